from transflow.queue.model import Segment, SegmentConfidence, segment_id


def test_a_confidence_applies_only_to_the_translation_it_was_computed_for() -> None:
    confidence = SegmentConfidence(0.9, translation_id=segment_id("Olá."))
    segment = Segment("Hello.", "Olá.", confidence=confidence)
    assert segment.current_confidence == confidence

    segment.translation = "Oi."  # a translator's edit
    assert segment.current_confidence is None
    assert segment.confidence == confidence  # kept, but recognisably stale
