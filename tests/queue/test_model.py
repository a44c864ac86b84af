from transflow.queue.model import Queue, Segment, SegmentConfidence, segment_id, word_count


def test_a_confidence_applies_only_to_the_translation_it_was_computed_for() -> None:
    confidence = SegmentConfidence(0.9, translation_id=segment_id("Olá."))
    segment = Segment("Hello.", "Olá.", confidence=confidence)
    assert segment.current_confidence == confidence

    segment.translation = "Oi."  # a translator's edit
    assert segment.current_confidence is None
    assert segment.confidence == confidence  # kept, but recognisably stale


def test_words_are_counted_as_a_translator_reads_them() -> None:
    assert word_count("The vice-president didn't pay $3.5 million, he said.") == 8
    assert word_count("— “” …") == 0
    assert word_count("北京今天下雨 in Beijing") == 8


def test_stats_count_the_words_left_to_review() -> None:
    queue = Queue(
        "en",
        "pt",
        "story.txt",
        [
            Segment("Two words.", "Duas palavras.", approved=True),
            Segment("Three more words.", "Mais três palavras."),
            Segment("Gone away.", "Foi.", obsolete=True),
        ],
    )
    stats = queue.stats()
    assert (stats.words, stats.words_to_review, stats.awaiting_review) == (5, 3, 1)
