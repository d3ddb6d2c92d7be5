"""The lesson navigator: an opening page, the lecture's chapters, lessons inside them.

Its items, top to bottom, are also the order Page Down walks through: opening, chapter
intro, the chapter's lessons, next chapter intro, ...
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize, Qt, Signal, Slot
from PySide6.QtGui import QFontMetrics, QResizeEvent
from PySide6.QtWidgets import (
    QHeaderView,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTreeWidget,
    QTreeWidgetItem,
    QWidget,
)

from gilviz.core.lesson import Registry
from gilviz.demos.chapters import CLOSING_PAGES

KIND_ROLE = Qt.ItemDataRole.UserRole
KEY_ROLE = Qt.ItemDataRole.UserRole + 1
LESSON_ROLE = KEY_ROLE  # kept for callers that look a lesson's id up on its item
OPENING, CHAPTER, LESSON, PAGE = "opening", "chapter", "lesson", "page"


class WrappingDelegate(QStyledItemDelegate):
    """Rows as tall as their title wrapped to the column: Qt's tree measures a row as
    if the text had all the width it wants, and then cuts it."""

    def __init__(self, tree: QTreeWidget) -> None:
        super().__init__(tree)
        self.tree = tree

    def initStyleOption(self, option: QStyleOptionViewItem,
                        index: QModelIndex | QPersistentModelIndex) -> None:
        super().initStyleOption(option, index)
        if index.data(KIND_ROLE) != LESSON:  # the opening and the chapters: bold
            option.font.setBold(True)
            option.fontMetrics = QFontMetrics(option.font)

    def sizeHint(self, option: QStyleOptionViewItem,
                 index: QModelIndex | QPersistentModelIndex) -> QSize:
        styled = QStyleOptionViewItem(option)
        self.initStyleOption(styled, index)
        depth, parent = 0, index.parent()
        while parent.isValid():
            depth, parent = depth + 1, parent.parent()
        width = self.tree.viewport().width() - self.tree.indentation() * depth - 8
        rect = QFontMetrics(styled.font).boundingRect(
            QRect(0, 0, max(20, width), 10_000), Qt.TextFlag.TextWordWrap, styled.text)
        line = QFontMetrics(styled.font).height()
        return QSize(width, max(line, rect.height()) + 4)


class LessonNavigator(QTreeWidget):
    pageChosen = Signal(str, str)  # kind (opening / chapter / lesson), key

    def __init__(self, registry: Registry, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("demoList")
        self.setHeaderHidden(True)
        self.setRootIsDecorated(False)
        self.setIndentation(14)
        # Whole titles, wrapped onto a second line when the column is narrow: never "…".
        self.setWordWrap(True)
        self.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.setUniformRowHeights(False)
        self.header().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setItemDelegate(WrappingDelegate(self))
        self._items: dict[str, QTreeWidgetItem] = {}
        self._chapters: dict[str, QTreeWidgetItem] = {}
        self._pages: dict[str, QTreeWidgetItem] = {}
        self._item(None, "Start here: processes, threads, cores", OPENING, "intro")
        number = 0
        for chapter, lessons in registry.chapters():
            head = self._item(None, chapter, CHAPTER, chapter)
            self._chapters[chapter] = head
            for lesson in lessons:
                number += 1
                item = self._item(head, f"{number}. {lesson.title}", LESSON, lesson.id)
                item.setToolTip(0, f"{lesson.title} ({lesson.id})\n{lesson.blurb}")
                self._items[lesson.id] = item
            for key, title in CLOSING_PAGES.get(chapter, ()):  # notes after the lessons
                self._pages[key] = self._item(head, title, PAGE, key)
        self.expandAll()
        self.currentItemChanged.connect(self._on_current_changed)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.scheduleDelayedItemsLayout()  # rows re-measured for the new width

    def restyle(self) -> None:
        self.scheduleDelayedItemsLayout()  # and for a new text size

    def _item(self, parent: QTreeWidgetItem | None, text: str, kind: str,
              key: str) -> QTreeWidgetItem:
        item = QTreeWidgetItem([text])
        item.setData(0, KIND_ROLE, kind)
        item.setData(0, KEY_ROLE, key)
        item.setToolTip(0, text)
        if parent is None:
            self.addTopLevelItem(item)
        else:
            parent.addChild(item)
        return item

    def lesson_ids(self) -> list[str]:
        return list(self._items)

    def select(self, lesson_id: str) -> None:
        self.setCurrentItem(self._items[lesson_id])

    def select_chapter(self, chapter: str) -> None:
        self.setCurrentItem(self._chapters[chapter])

    def select_page(self, key: str) -> None:
        self.setCurrentItem(self._pages[key])

    def select_opening(self) -> None:
        self.setCurrentItem(self.topLevelItem(0))

    def current_lesson_id(self) -> str | None:
        item = self.currentItem()
        if item is None or item.data(0, KIND_ROLE) != LESSON:
            return None
        return item.data(0, KEY_ROLE)

    def _walk(self) -> list[QTreeWidgetItem]:
        items = []
        for i in range(self.topLevelItemCount()):
            top = self.topLevelItem(i)
            items.append(top)
            items.extend(top.child(j) for j in range(top.childCount()))
        return items

    def step(self, delta: int) -> bool:
        """Move to the next (+1) or previous (-1) page; False at either end."""
        items = self._walk()
        current = self.currentItem()
        index = items.index(current) if current in items else -1
        target = index + delta
        if not 0 <= target < len(items):
            return False
        self.setCurrentItem(items[target])
        return True

    @Slot(QTreeWidgetItem, QTreeWidgetItem)
    def _on_current_changed(self, current: QTreeWidgetItem | None, _previous: object) -> None:
        if current is not None:
            self.pageChosen.emit(current.data(0, KIND_ROLE), current.data(0, KEY_ROLE))
