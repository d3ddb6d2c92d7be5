"""The lesson navigator: chapters of the lecture, lessons inside, in teaching order."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QTreeWidget, QTreeWidgetItem, QWidget

from gilviz.core.lesson import Lesson, Registry

LESSON_ROLE = Qt.ItemDataRole.UserRole


class LessonNavigator(QTreeWidget):
    lessonChosen = Signal(object)  # Lesson

    def __init__(self, registry: Registry, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("demoList")
        self.setHeaderHidden(True)
        self.setRootIsDecorated(False)
        self.setIndentation(14)
        self._items: dict[str, QTreeWidgetItem] = {}
        number = 0
        for chapter, lessons in registry.chapters():
            head = QTreeWidgetItem([chapter])
            head.setFlags(Qt.ItemFlag.ItemIsEnabled)
            font = QFont(head.font(0))
            font.setBold(True)
            head.setFont(0, font)
            head.setToolTip(0, chapter)
            self.addTopLevelItem(head)
            for lesson in lessons:
                number += 1
                item = QTreeWidgetItem([f"{number}. {lesson.title}"])
                item.setData(0, LESSON_ROLE, lesson.id)
                item.setToolTip(0, f"{lesson.title} ({lesson.id})\n{lesson.blurb}")
                head.addChild(item)
                self._items[lesson.id] = item
        self.expandAll()
        self._registry = registry
        self.currentItemChanged.connect(self._on_current_changed)

    def lesson_ids(self) -> list[str]:
        return list(self._items)

    def select(self, lesson_id: str) -> None:
        self.setCurrentItem(self._items[lesson_id])

    def current_lesson_id(self) -> str | None:
        item = self.currentItem()
        return item.data(0, LESSON_ROLE) if item is not None else None

    @Slot(QTreeWidgetItem, QTreeWidgetItem)
    def _on_current_changed(self, current: QTreeWidgetItem | None, _previous: object) -> None:
        lesson_id = current.data(0, LESSON_ROLE) if current is not None else None
        if lesson_id:
            lesson: Lesson = self._registry.get(lesson_id)
            self.lessonChosen.emit(lesson)
