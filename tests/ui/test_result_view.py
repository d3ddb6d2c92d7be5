"""The result pane fits beside the lesson: repeated settings left out, placements side by
side."""

from gilviz.ui.result_view import fields_html, paired, shown_fields


def test_fields_that_repeat_a_setting_are_left_out():
    result = {"threads": 4, "iterations": 100, "lost": 3, "expected": 400}
    assert shown_fields(result, {"threads": 4, "iterations": 50}) == {
        "iterations": 100, "lost": 3, "expected": 400}


def test_placements_sharing_fields_become_columns():
    fields = {"expected": 400, "race_s": 0.5, "race_actual": 100, "race_lost": 300,
              "per_increment_s": 2.0, "per_increment_actual": 400, "per_increment_lost": 0,
              "whole_loop_s": 1.9, "whole_loop_actual": 400, "whole_loop_lost": 0}
    assert paired(fields) == (("race", "per_increment", "whole_loop"), ["s", "actual", "lost"])
    html = fields_html(fields)
    assert html.count("<tr>") == 5  # a header, three shared rows, "expected"
    assert "Per increment" in html and "Whole loop" in html and "Time (s)" in html


def test_no_columns_without_three_shared_fields():
    assert paired({"sequential_s": 1.0, "threaded_s": 0.5, "speedup": 2.0}) is None
