import pytest

from gilviz.core.lesson import Registry, UnknownLesson
from gilviz.demos import REGISTRY

LECTURE_ORDER = [
    "thread-start", "thread-join", "thread-args", "many-threads", "daemon", "race", "lock",
    "thread-pool", "process-vs-thread", "event", "gil-cpu", "gil-io", "gil-release",
    "switch-interval", "fetch",
]


def test_lessons_follow_the_lecture():
    assert [lesson.id for lesson in REGISTRY][: len(LECTURE_ORDER)] == LECTURE_ORDER


def test_every_lesson_is_complete():
    for lesson in REGISTRY:
        assert lesson.title and lesson.chapter and lesson.blurb
        assert lesson.workload, f"{lesson.id} shows no code"
        names = [spec.name for spec in lesson.params]
        assert len(names) == len(set(names))
        for spec in lesson.params:
            assert spec.check(spec.default) == spec.default
            assert spec.help and spec.label


def test_unknown_lesson_says_how_to_list():
    with pytest.raises(UnknownLesson, match="python -m gilviz list"):
        REGISTRY.get("nope")


def test_duplicate_ids_are_refused():
    lesson = REGISTRY.get("thread-start")
    with pytest.raises(ValueError, match="duplicate"):
        Registry([lesson, lesson])


def test_chapters_keep_order():
    chapters = REGISTRY.chapters()
    flattened = [lesson.id for _, lessons in chapters for lesson in lessons]
    assert flattened == [lesson.id for lesson in REGISTRY]
