"""The workspace translation memory: the team's approved translations, reused and searched.

* :mod:`~transflow.memory.segment` — the records: ``MemorySegment``, ``Match``, ``Origin``;
* :mod:`~transflow.memory.store` — ``TranslationMemory``, the SQLite store (exact, fuzzy,
  concordance, statistics);
* :mod:`~transflow.memory.fuzzy` — the fuzzy index;
* :mod:`~transflow.memory.differences` — number, protected-term and negation differences;
* :mod:`~transflow.memory.tmx` — TMX 1.4b reading and writing;
* :mod:`~transflow.memory.rebuild` — the queue's approvals as segments;
* :mod:`~transflow.memory.workspace` — the workspace's memory, its rebuild and TMX imports;
* :mod:`~transflow.memory.consistency` — conflicting approvals, for ``transflow check``.
"""
