"""A real, untrained Argos Translate package whose model upper-cases its input.

Tests and benchmarks need the genuine engine path — argostranslate's package
layout, its SentencePiece tokenizer and ``ctranslate2.Translator`` with beam
search — but a trained model is large, slow to fetch and its output cannot be
predicted. This module writes a small ``.argosmodel`` whose CTranslate2
Transformer is built by hand so that translating a sentence returns exactly
``sentence.upper()``: expectations in tests are one ``str.upper()`` away.

How the weights copy the source (pre-norm Transformer, widths ``d_model``):

* The residual stream is split into a *position* block (the first
  ``d_model // num_heads`` dimensions, one attention head's width) and a *token*
  block (the rest). Every source token gets a random unit "token code" in the
  token block, every position a random unit "position code" in the position
  block, both zero-mean so that LayerNorm only rescales them.
* Position codes are learned position encodings shared by encoder and decoder,
  so decoder step ``t`` (fed ``<s>`` or the previous output) carries the code of
  source position ``t``, the token it has to emit.
* Every sublayer output is zero except the cross-attention of decoder layer 1:
  all its heads match queries to keys on the position code, sharply enough to
  attend one-hot to the same source position, and their values carry the token
  code back. Decoder input embeddings are zero, so nothing else reaches the
  decoder state. The other layers are still computed, which is what gives the
  benchmark-sized model a realistic decoding cost.
* The output projection scores target ``i`` by its dot product with token code
  ``i``, and target ``i`` is source piece ``i`` upper-cased. ``</s>`` is appended
  to the source (``add_source_eos``) and copies to ``</s>``, ending decoding.

The attention and logit scales are derived from the actual codes (smallest gap
between a code and any other), so the copy is exact by construction for every
position in the encoding table, not just likely. Beam search cannot do better
than the greedy copy: the output distribution at a step does not depend on
earlier outputs, and every alternative costs at least ``_LOGIT_MARGIN`` nats.

Limits and caveats, all of them visible in ``tests/test_copy_model.py``:

* Sources of up to ``MAX_SOURCE_TOKENS`` SentencePiece tokens (plus ``</s>``)
  are exact; CTranslate2's default ``max_input_length=1024`` truncates longer
  ones to that. Its default ``max_decoding_length=256`` cuts outputs of more
  than 255 tokens unless raised.
* Only characters that are pieces of the SentencePiece vocabulary change case.
  ASCII letters and every character of ``training_text``, in both cases, are;
  other characters go through byte fallback and are copied unchanged (an
  unseen ``"ø"`` stays ``"ø"``, while ``"€"`` is right anyway).
* argostranslate's ``decode`` turns ``"_"`` into a space.
* Upper-casing that changes length (``"ß"`` → ``"SS"``) works, because target
  tokens need not be SentencePiece pieces: ``decode_pieces`` passes unknown
  strings through verbatim.
"""

from __future__ import annotations

import json
import shutil
import string
import tempfile
import zipfile
from io import BytesIO
from pathlib import Path

import numpy as np
import sentencepiece as spm
from ctranslate2.specs import TransformerSpec
from ctranslate2.specs.attention_spec import MultiHeadAttentionSpec
from ctranslate2.specs.common_spec import LayerNormSpec, LinearSpec
from ctranslate2.specs.transformer_spec import FeedForwardSpec

# Length of the learned position-encoding table: CTranslate2 truncates sources
# to 1024 tokens, ``</s>`` included, by default.
_POSITIONS = 1024
MAX_SOURCE_TOKENS = _POSITIONS - 1

# How far (in nats) the right choice beats every other one, both for the
# attention over source positions and for the output logits. 40 makes the
# leaked attention weight and the probability mass of wrong tokens ~1e-15.
_LOGIT_MARGIN = 40.0

_GAP_BLOCK_ROWS = 1024

# Feed-forward width relative to d_model, as in the base Transformer.
_FFN_RATIO = 4

_ZIP_TIMESTAMP = (1980, 1, 1, 0, 0, 0)


def build_copy_model_package(
    dest_dir: Path,
    *,
    from_code: str = "en",
    to_code: str = "pt",
    training_text: str,
    d_model: int = 64,
    num_layers: int = 1,
    num_heads: int = 4,
    vocab_size: int = 400,
    package_version: str = "1.0",
    seed: int = 0,
) -> Path:
    """Write an Argos package that translates text to its upper-cased copy.

    ``training_text`` decides the tokenizer: its characters (and their case
    partners) are the ones that get upper-cased, see the module docstring.
    ``vocab_size`` is an upper bound, because a short text cannot fill a large
    vocabulary. ``num_layers`` encoder and decoder layers are built but only the
    first decoder layer does any work; raise the sizes for realistic cost only.
    The same arguments always give byte-identical archives.

    Returns the path of the ``.argosmodel`` file written in ``dest_dir``.
    """
    if num_heads < 2 or d_model % num_heads:
        raise ValueError(
            f"d_model ({d_model}) must split into num_heads ({num_heads}) >= 2 heads: one "
            "head's width holds the position code, the rest the token code"
        )
    name = f"translate-{from_code}_{to_code}-copy"
    sentencepiece_model = _train_sentencepiece(training_text, vocab_size)
    processor = spm.SentencePieceProcessor(model_proto=sentencepiece_model)
    source_vocabulary = [processor.id_to_piece(i) for i in range(processor.get_piece_size())]
    target_vocabulary = [
        _upper_target(processor, i, piece) for i, piece in enumerate(source_vocabulary)
    ]
    spec = _copy_transformer_spec(
        num_tokens=len(source_vocabulary),
        d_model=d_model,
        num_layers=num_layers,
        num_heads=num_heads,
        rng=np.random.default_rng(seed),
    )
    spec.register_source_vocabulary(source_vocabulary)
    spec.register_target_vocabulary(target_vocabulary)
    spec.validate()

    metadata = {
        "package_version": package_version,
        "argos_version": "1.9",
        "code": name,
        "type": "translate",
        "from_code": from_code,
        "from_name": f"{from_code} (copy model)",
        "to_code": to_code,
        "to_name": f"{to_code} (upper-case copy)",
        "links": [],
    }
    dest_dir.mkdir(parents=True, exist_ok=True)
    archive = dest_dir / f"{name}-{package_version.replace('.', '_')}.argosmodel"
    with tempfile.TemporaryDirectory(prefix="copy-model-") as scratch:
        package_dir = Path(scratch) / name
        (package_dir / "model").mkdir(parents=True)
        spec.save(str(package_dir / "model"))
        (package_dir / "sentencepiece.model").write_bytes(sentencepiece_model)
        (package_dir / "metadata.json").write_text(
            json.dumps(metadata, indent=2, sort_keys=True) + "\n", encoding="utf-8"
        )
        (package_dir / "README.md").write_text(
            _readme(name, d_model, num_layers, num_heads, len(source_vocabulary)),
            encoding="utf-8",
        )
        _zip_directory(package_dir, archive)
    return archive


def _train_sentencepiece(training_text: str, vocab_size: int) -> bytes:
    """Train the tokenizer shared by source and target, in memory, in milliseconds.

    The options make every decoded string equal the encoded one: ``identity``
    normalization (no NFKC), whitespace kept as is, and byte fallback for any
    character outside the vocabulary. Without a dummy prefix, decoding is plain
    concatenation, so target strings that are not pieces (see ``_upper_target``)
    decode exactly even at the start of a sentence. Training on the upper-cased
    lines too makes most upper-cased pieces real pieces, like a real model's
    target side. Both cases of every letter of ``training_text``, and of every
    ASCII letter, are forced into the vocabulary so that they are upper-cased.
    """
    lines = [line for line in training_text.splitlines() if line.strip()]
    if not lines:
        raise ValueError("training_text has no non-blank line to train SentencePiece on")
    case_partners = {
        variant
        for character in training_text + string.ascii_letters
        for variant in (character.lower(), character.upper())
        if len(variant) == 1 and character.lower() != character.upper()
    }
    sentences = lines + [line.upper() for line in lines]
    model = BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(sentences),
        model_writer=model,
        model_type="unigram",
        vocab_size=vocab_size,
        hard_vocab_limit=False,
        byte_fallback=True,
        character_coverage=1.0,
        required_chars="".join(sorted(case_partners)),
        normalization_rule_name="identity",
        add_dummy_prefix=False,
        remove_extra_whitespaces=False,
        max_sentence_length=max(len(sentence.encode()) for sentence in sentences),
        shuffle_input_sentence=False,
        num_threads=1,
        minloglevel=2,
    )
    return model.getvalue()


def _upper_target(processor: spm.SentencePieceProcessor, piece_id: int, piece: str) -> str:
    """The target token a source piece copies to.

    Byte-fallback pieces stay as they are: a byte of a multi-byte character
    cannot be upper-cased on its own. Special tokens keep their meaning.
    """
    if (
        processor.is_byte(piece_id)
        or processor.is_control(piece_id)
        or processor.is_unknown(piece_id)
    ):
        return piece
    return piece.upper()


def _unit_codes(rng: np.random.Generator, count: int, width: int) -> np.ndarray:
    """Random unit vectors with zero mean, so LayerNorm only rescales their sums."""
    codes = rng.standard_normal((count, width))
    codes -= codes.mean(axis=1, keepdims=True)
    codes /= np.linalg.norm(codes, axis=1, keepdims=True)
    return codes.astype(np.float32)


def _smallest_gap(codes: np.ndarray) -> float:
    """min over a != b of (code_a · code_a - code_a · code_b), i.e. 1 - max cosine.

    Computed by blocks of rows, so large vocabularies do not need a full
    similarity matrix in memory.
    """
    codes = codes.astype(np.float64)
    largest = -1.0
    for start in range(0, len(codes), _GAP_BLOCK_ROWS):
        similarity = codes[start : start + _GAP_BLOCK_ROWS] @ codes.T
        rows = np.arange(len(similarity))
        similarity[rows, start + rows] = -np.inf
        largest = max(largest, float(similarity.max()))
    return 1.0 - largest


def _copy_transformer_spec(
    *, num_tokens: int, d_model: int, num_layers: int, num_heads: int, rng: np.random.Generator
) -> TransformerSpec:
    """The CTranslate2 Transformer whose only working part is one cross-attention.

    Scale bookkeeping: LayerNorm maps a zero-mean vector ``x`` to
    ``x * sqrt(d_model) / |x|`` (epsilon aside). The decoder state entering the
    cross-attention is one unit position code, so its query input is the code
    times ``sqrt(d_model)``; the encoder output is token + position code, norm
    ``sqrt(2)``, hence times ``sqrt(d_model / 2)``. So is the final decoder
    state, once the attention has added the token code to the position code.
    """
    head_width = d_model // num_heads
    position_width = head_width
    token_width = d_model - position_width
    positions = _unit_codes(rng, _POSITIONS, position_width)
    tokens = _unit_codes(rng, num_tokens, token_width)
    attention_scale = _LOGIT_MARGIN / _smallest_gap(positions)
    logit_scale = _LOGIT_MARGIN / _smallest_gap(tokens)
    query_norm = np.sqrt(d_model)
    memory_norm = np.sqrt(d_model / 2)

    spec = TransformerSpec.from_config(num_layers=(num_layers, num_layers), num_heads=num_heads)
    spec.config.add_source_eos = True
    position_encodings = _zeros(_POSITIONS, d_model)
    position_encodings[:, :position_width] = positions
    for stack in (spec.encoder, spec.decoder):
        stack.scale_embeddings = False
        stack.position_encodings.encodings = position_encodings
        _set_layer_norm(stack.layer_norm, d_model)
        for layer in stack.layer:
            _zero_attention(layer.self_attention, d_model)
            _zero_feed_forward(layer.ffn, d_model)
            if stack is spec.decoder:
                _zero_attention(layer.attention, d_model)

    source_embeddings = _zeros(num_tokens, d_model)
    source_embeddings[:, position_width:] = tokens
    spec.encoder.embeddings[0].weight = source_embeddings
    spec.decoder.embeddings.weight = _zeros(num_tokens, d_model)

    # Queries and keys of every head read the position code; CTranslate2 divides
    # the scores by sqrt(head_width), undone here.
    identity = np.eye(position_width, dtype=np.float32)
    query = _zeros(d_model, d_model)
    key = _zeros(d_model, d_model)
    for head in range(num_heads):
        rows = slice(head * head_width, (head + 1) * head_width)
        query[rows, :position_width] = identity
        key[rows, :position_width] = identity
    query *= attention_scale * np.sqrt(head_width) / (query_norm * memory_norm)
    # Values take the token block (spread over the heads' value dimensions) back
    # to unit scale; the output projection returns it to the token block.
    value = _zeros(d_model, d_model)
    output = _zeros(d_model, d_model)
    for dim in range(token_width):
        value[dim, position_width + dim] = 1 / memory_norm
        output[position_width + dim, dim] = 1
    cross_attention = spec.decoder.layer[0].attention
    cross_attention.linear[0].weight = query
    cross_attention.linear[1].weight = np.concatenate([key, value])
    cross_attention.linear[2].weight = output

    projection = _zeros(num_tokens, d_model)
    projection[:, position_width:] = tokens * (logit_scale / memory_norm)
    spec.decoder.projection.weight = projection
    spec.decoder.projection.bias = _zeros(num_tokens)
    return spec


def _zeros(*shape: int) -> np.ndarray:
    return np.zeros(shape, dtype=np.float32)


def _set_layer_norm(layer_norm: LayerNormSpec, width: int) -> None:
    layer_norm.gamma = np.ones(width, dtype=np.float32)
    layer_norm.beta = _zeros(width)


def _set_zero_linear(linear: LinearSpec, out_width: int, in_width: int) -> None:
    """A linear layer that outputs zeros yet costs a full matrix product, like a real one."""
    linear.weight = _zeros(out_width, in_width)
    linear.bias = _zeros(out_width)


def _zero_attention(attention: MultiHeadAttentionSpec, d_model: int) -> None:
    """Self-attention has fused QKV + output; cross-attention has Q, fused KV and output."""
    _set_layer_norm(attention.layer_norm, d_model)
    if len(attention.linear) == 2:
        out_widths = [3 * d_model, d_model]
    else:
        out_widths = [d_model, 2 * d_model, d_model]
    for linear, out_width in zip(attention.linear, out_widths, strict=True):
        _set_zero_linear(linear, out_width, d_model)


def _zero_feed_forward(ffn: FeedForwardSpec, d_model: int) -> None:
    _set_layer_norm(ffn.layer_norm, d_model)
    _set_zero_linear(ffn.linear_0, _FFN_RATIO * d_model, d_model)
    _set_zero_linear(ffn.linear_1, d_model, _FFN_RATIO * d_model)


def _zip_directory(directory: Path, archive: Path) -> None:
    """Zip ``directory`` as the archive's single top-level folder, reproducibly.

    Fixed timestamps, permissions and file order make equal inputs give equal
    bytes, so a rebuilt package is recognisably the same package.
    """
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as zipped:
        for path in sorted(directory.rglob("*")):
            if not path.is_file():
                continue
            info = zipfile.ZipInfo(
                path.relative_to(directory.parent).as_posix(), date_time=_ZIP_TIMESTAMP
            )
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            with path.open("rb") as source, zipped.open(info, "w") as target:
                shutil.copyfileobj(source, target, 1 << 20)


def _readme(name: str, d_model: int, num_layers: int, num_heads: int, vocab: int) -> str:
    return (
        f"# {name}\n\n"
        "A test fixture, not a translation model: its hand-built CTranslate2 Transformer\n"
        "(no training) copies the source in upper case, so translating `text` gives\n"
        "`text.upper()`. Built by `transflow.testing.copy_model`.\n\n"
        f"- d_model {d_model}, {num_layers} encoder and {num_layers} decoder layers, "
        f"{num_heads} heads\n"
        f"- SentencePiece vocabulary of {vocab} pieces with byte fallback\n"
        f"- exact for sources of up to {MAX_SOURCE_TOKENS} tokens\n"
    )
