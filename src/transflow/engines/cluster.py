"""Engine work on a Dask distributed cluster, PO files written by one coordinator.

When one machine cannot translate a batch fast enough, the decoding moves to
the workers of a Dask cluster while the process that runs the job (the
coordinator) keeps everything else: reading and segmenting articles, glossary
enforcement, merging and writing PO files. Only the coordinator ever writes a
PO file, so no two machines race on one file and nothing has to be shared but
the scheduler's address.

``DaskEngine`` is an ordinary ``Engine``: the layers above it (enforcement
rounds, the merge) cannot tell it from a local engine, and it records the same
engine name and model id. It sends one task per decoding group
(``length_sorted_groups``), the very groups a local engine decodes one by one,
so its output, and the PO files, are byte-identical to a local run.

On the workers, each process keeps the engines it has created in a
module-level cache keyed by engine name, so a model is loaded once per worker
process and every later task reuses it; each task decodes with one thread
(Dask's one-core-per-thread rule). Workers read their own environment
(``ARGOS_PACKAGES_DIR``, the Argos package directory): the same packages must
be installed on every worker. docs/cluster.md says how to run it.
"""

from __future__ import annotations

import json
import threading
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import TypeVar

from distributed import Client, KilledWorker, Worker, get_worker

from transflow.engines import ENGINE_NAMES, Engine, Translation, create_engine, select_engine
from transflow.engines.base import DECODING_GROUP, in_input_order, length_sorted_groups
from transflow.errors import EngineError, InputError, TransflowError

__all__ = [
    "CONNECT_TIMEOUT",
    "DaskEngine",
    "WorkerStatus",
    "connect",
    "select_cluster_engine",
    "worker_status",
]

# Long enough for a scheduler on a busy network, short enough that a typo in
# the address is reported before the user gives up on the command.
CONNECT_TIMEOUT = 10.0
T = TypeVar("T")


def connect(scheduler: str, *, timeout: float = CONNECT_TIMEOUT) -> Client:
    """A client of the scheduler at ``scheduler``, once at least one worker has joined it.

    ``scheduler`` is an address (``tcp://HOST:8786``; anything with ``://``)
    or the path of a scheduler file (``dask scheduler --scheduler-file``).
    Every failure is a one-line ``TransflowError`` after at most ``timeout``
    seconds per step, instead of Dask retrying silently for minutes.
    """
    address = scheduler if "://" in scheduler else _scheduler_file_address(Path(scheduler))
    try:
        client = Client(address, timeout=timeout, set_as_default=False)
    except (OSError, ValueError) as error:
        raise TransflowError(
            f"cannot reach the Dask scheduler {scheduler} within {timeout:g} s "
            f"({_first_line(error)}); is 'dask scheduler' running there?"
        ) from None
    try:
        client.wait_for_workers(1, timeout=timeout)
    except TimeoutError:
        client.close()
        raise TransflowError(
            f"no Dask worker joined the scheduler {scheduler} within {timeout:g} s; "
            f"start one with 'dask worker {address}'"
        ) from None
    return client


def _scheduler_file_address(path: Path) -> str:
    """The address in a scheduler file, read here because Dask fails obscurely on a bad one."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(
            path, "no such scheduler file (a scheduler address looks like tcp://HOST:8786)"
        ) from None
    except OSError as error:
        raise InputError(path, f"cannot read the scheduler file ({error.strerror})") from None
    try:
        address = json.loads(text)["address"]
    except (ValueError, KeyError, TypeError):
        address = None
    if not isinstance(address, str):
        raise InputError(path, 'not a Dask scheduler file (a JSON object with an "address")')
    return address


class DaskEngine(Engine):
    """The engine ``engine_name``, run on the workers of a Dask cluster.

    ``translate_batch`` cuts the batch with ``length_sorted_groups`` into
    chunks of ``chunk_size``, runs one task per chunk and puts the results
    back in input order. Each chunk gets exactly what the engine returns for
    it locally. With the default chunk size, the engine's own decoding group,
    every task is one of the groups a local engine decodes, so the output
    equals a local run's to the last bit (scores, order of tied alternatives);
    another size changes which sentences share a padded batch (see
    ``length_sorted_groups``): scores can move in their last digits and
    near-tied hypotheses, rarely the best one, can swap.

    ``language_pairs`` and ``model_id`` are asked of every connected worker,
    not answered by an engine created here: the coordinator need not have any
    model installed, and the model id written to PO files must be the one the
    workers actually use. Workers that disagree (different packages
    installed) are an error rather than a silently mixed queue.
    """

    def __init__(
        self,
        client_or_address: Client | str,
        engine_name: str,
        *,
        chunk_size: int = DECODING_GROUP,
    ) -> None:
        if engine_name == "auto":
            raise TransflowError(
                "a cluster engine needs a concrete engine name; "
                "resolve 'auto' with select_cluster_engine()"
            )
        if chunk_size < 1:
            raise TransflowError(f"chunk size must be at least 1, not {chunk_size}")
        # Creating an engine loads no model; it validates the name with the usual
        # message and gives the name PO files record, exactly as a local run would.
        self.name = create_engine(engine_name).name  # type: ignore[misc]
        self.engine_name = engine_name
        self.chunk_size = chunk_size
        self._owns_client = not isinstance(client_or_address, Client)
        self.client = (
            connect(client_or_address) if isinstance(client_or_address, str) else client_or_address
        )
        self._pairs: set[tuple[str, str]] | None = None
        self._model_ids: dict[tuple[str, str], str] = {}

    def language_pairs(self) -> set[tuple[str, str]]:
        """The pairs every connected worker can translate (a task may land on any of them)."""
        if self._pairs is None:
            answers = _ask_workers(self.client, _worker_pairs, self.engine_name)
            self._pairs = set.intersection(*answers.values())
        return set(self._pairs)

    def model_id(self, source: str, target: str) -> str:
        pair = self.resolve(source, target)
        if pair not in self._model_ids:
            answers = _ask_workers(self.client, _worker_model_id, self.engine_name, *pair)
            self._model_ids[pair] = _agreed(
                answers, f"the {self.name} model for {pair[0]}→{pair[1]}"
            )
        return self._model_ids[pair]

    def translate_batch(
        self,
        sentences: Sequence[str],
        source: str,
        target: str,
        num_hypotheses: int = 1,
    ) -> list[Translation]:
        # Checked on every worker first, so an unsupported pair or a mismatched
        # cluster fails once, clearly, before any task is queued. The workers
        # get the model pair, so a stand-in (pt for pt-BR) is announced here once.
        self.model_id(source, target)
        served = self.resolve(source, target)
        chunks = length_sorted_groups(sentences, self.chunk_size)
        futures = [
            self.client.submit(
                _translate_chunk,
                self.engine_name,
                [sentences[index] for index in chunk],
                *served,
                num_hypotheses,
            )
            for chunk in chunks
        ]
        try:
            results = self.client.gather(futures)
        except KilledWorker as error:
            raise EngineError(
                f"Dask workers kept dying while translating {source}→{target} "
                f"({_first_line(error)}); see the worker logs (out of memory?)"
            ) from None
        return in_input_order(chunks, [_unwrap(result) for result in results])

    def close(self) -> None:
        """Disconnect, if this engine connected itself; a client passed in stays open."""
        if self._owns_client:
            self.client.close()

    def __enter__(self) -> DaskEngine:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


def select_cluster_engine(
    client: Client,
    engine_name: str,
    source: str,
    target: str,
    *,
    chunk_size: int = DECODING_GROUP,
) -> DaskEngine:
    """``select_engine`` for a cluster: the workers decide which engine covers the pair.

    ``auto`` is resolved with the workers' installed models, not the
    coordinator's, and an uncovered pair raises the same
    ``UnsupportedLanguagePairError`` (listing what the workers have) as a
    local run.
    """
    if engine_name not in ENGINE_NAMES:
        create_engine(engine_name)  # the usual "unknown engine" error, raised here once
    answers = _ask_workers(client, _worker_selected_engine, engine_name, source, target)
    chosen = _agreed(answers, f"the engine for {source}→{target}")
    return DaskEngine(client, chosen, chunk_size=chunk_size)


# --- Coordinator side: asking the workers -------------------------------------------------


@dataclass(frozen=True)
class _WorkerFailure:
    """An ``EngineError`` raised on a worker, sent back as a value.

    Returned rather than raised so that it reaches the coordinator as the same
    exception type with its one-line message, without a remote traceback in
    the way, without Dask logging it as a crashed task, and without retries
    that could not help (a missing model stays missing).
    """

    kind: type[EngineError]
    message: str
    worker: str

    def error(self) -> EngineError:
        return self.kind(f"{self.message} (on Dask worker {self.worker})")


def _unwrap(result: T | _WorkerFailure) -> T:
    if isinstance(result, _WorkerFailure):
        raise result.error()
    return result


def _ask_workers(
    client: Client, function: Callable[..., T | _WorkerFailure], *args: str
) -> dict[str, T]:
    """``function(*args)`` on every connected worker, by worker address."""
    answers = client.run(function, *args)
    if not answers:
        address = client.scheduler.address if client.scheduler is not None else "(none)"
        raise EngineError(f"no Dask worker is connected to the scheduler {address}")
    return {worker: _unwrap(answer) for worker, answer in answers.items()}


def _agreed(answers: dict[str, str], what: str) -> str:
    distinct = set(answers.values())
    if len(distinct) > 1:
        listing = ", ".join(f"{worker} has {answer}" for worker, answer in sorted(answers.items()))
        raise EngineError(
            f"Dask workers disagree on {what} ({listing}); install the same models on every worker"
        )
    return distinct.pop()


def _first_line(error: BaseException) -> str:
    return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__


# --- Worker side: one engine per process, each model loaded once --------------------------


@dataclass
class _WorkerCache:
    """The engines of this worker process; it lives as long as the process."""

    engines: dict[str, Engine] = field(default_factory=dict)
    engines_created: Counter[str] = field(default_factory=Counter)
    # (engine, source, target) whose first batch, the one that loads the model, has run.
    warmed: set[tuple[str, str, str]] = field(default_factory=set)
    chunks: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)
    loading_lock: threading.Lock = field(default_factory=threading.Lock)


_cache = _WorkerCache()


@dataclass(frozen=True)
class WorkerStatus:
    """What one worker process holds, for ``client.run(worker_status)`` (tests, diagnostics)."""

    engines_created: dict[str, int]
    warmed: frozenset[tuple[str, str, str]]
    chunks: int


def worker_status() -> WorkerStatus:
    """How often this process created each engine, the pairs it loaded, the chunks it translated.

    A healthy worker created each engine once however many tasks it ran; more
    would mean models are being reloaded.
    """
    with _cache.lock:
        return WorkerStatus(dict(_cache.engines_created), frozenset(_cache.warmed), _cache.chunks)


def _engine(name: str, threads: int) -> Engine:
    """This process's engine ``name``, created on first use by a worker of ``threads`` threads."""
    with _cache.lock:
        if name not in _cache.engines:
            _cache.engines[name] = _worker_engine(name, threads)
            _cache.engines_created[name] += 1
        return _cache.engines[name]


def _worker_engine(name: str, threads: int) -> Engine:
    """Engine ``name`` sized to a Dask worker: ``threads`` tasks at once, one core each.

    Dask gives a worker one core per thread (its nanny even sets
    OMP_NUM_THREADS=1) and may run several workers on one machine, so a
    worker must not size itself by the machine's core count as a local run
    does. CTranslate2's OpenMP threads degrade badly when oversubscribed: two
    single-thread workers on two busy cores took 15-55 s for a batch that
    takes 1 s with one decoding thread per task.
    """
    engine = create_engine(name)
    engine.use_workers(threads, cores=threads)
    return engine


def _on_worker(worker: Worker, call: Callable[[], T]) -> T | _WorkerFailure:
    """``call()``, with an engine error turned into a value for the coordinator to raise."""
    try:
        return call()
    except EngineError as error:
        return _WorkerFailure(type(error), str(error), worker.address)


def _worker_pairs(engine_name: str, dask_worker: Worker) -> set[tuple[str, str]] | _WorkerFailure:
    return _on_worker(
        dask_worker, lambda: _engine(engine_name, dask_worker.state.nthreads).language_pairs()
    )


def _worker_model_id(
    engine_name: str, source: str, target: str, dask_worker: Worker
) -> str | _WorkerFailure:
    return _on_worker(
        dask_worker,
        lambda: _engine(engine_name, dask_worker.state.nthreads).model_id(source, target),
    )


def _worker_selected_engine(
    engine_name: str, source: str, target: str, dask_worker: Worker
) -> str | _WorkerFailure:
    return _on_worker(dask_worker, lambda: select_engine(engine_name, source, target).name)


def _translate_chunk(
    engine_name: str, sentences: list[str], source: str, target: str, num_hypotheses: int
) -> list[Translation] | _WorkerFailure:
    worker = get_worker()
    engine = _engine(engine_name, worker.state.nthreads)
    pair = (engine_name, source, target)

    def translate() -> list[Translation]:
        if pair in _cache.warmed:
            results = engine.translate_batch(sentences, source, target, num_hypotheses)
        else:
            # The first batch loads the model: the worker's other threads wait
            # for it rather than each loading a copy of their own.
            with _cache.loading_lock:
                results = engine.translate_batch(sentences, source, target, num_hypotheses)
                _cache.warmed.add(pair)
        with _cache.lock:
            _cache.chunks += 1
        return results

    return _on_worker(worker, translate)
