"""The charts' and the timeline's colours: 3:1 against their background and between neighbours (WCAG 1.4.11)."""

from __future__ import annotations

import itertools
from types import SimpleNamespace

import pytest

from pae_desktop.core import palette
from pae_desktop.core import trend as tr
from pae_desktop.core.vocabulary import CarrierKind

ALL = {
    name: value
    for name, value in vars(palette).items()
    if isinstance(value, str) and value.startswith("#") and value not in palette.BACKGROUNDS
}


def test_the_contrast_ratio_is_wcags():
    assert palette.contrast_ratio("#000000", "#FFFFFF") == pytest.approx(21)
    assert palette.contrast_ratio("#767676", "#FFFFFF") == pytest.approx(4.54, abs=0.01)
    assert palette.contrast_ratio("#D55E00", "#FFFFFF") == palette.contrast_ratio("#FFFFFF", "#D55E00")
    assert palette.contrast_ratio("#123456", "#123456") == 1
    # a light orange, and the timeline's former company and partner colours
    assert palette.contrast_ratio("#F4B183", "#FFFFFF") < 2
    assert palette.contrast_ratio("#C55A11", "#548235") < 1.1


@pytest.mark.parametrize("background", palette.BACKGROUNDS)
def test_every_colour_stands_out_from_the_backgrounds(background):
    weak = {name: round(palette.contrast_ratio(value, background), 2) for name, value in ALL.items()
            if palette.contrast_ratio(value, background) < 3}
    assert weak == {}


def test_every_pair_is_computed_and_the_low_ones_are_never_neighbours():
    low = {
        frozenset((a, b))
        for (a, first), (b, second) in itertools.combinations(ALL.items(), 2)
        if first != second and palette.contrast_ratio(first, second) < 3
    }
    assert low  # three colours cannot all stand at 3:1 from each other under 3:1 against white
    for earlier in range(len(palette.EARLIER) + 1):
        bars = palette.comparison_colours(earlier)
        for left, right in itertools.pairwise(bars):
            assert palette.contrast_ratio(left, right) >= 3, (earlier, left, right)


@pytest.mark.parametrize("earlier", range(len(palette.EARLIER) + 1))
def test_the_bilan_bars_use_the_palette_in_order(earlier):
    report = SimpleNamespace(
        previous=[(2020 + i, {}) for i in range(earlier)], campagne=2025, indicators={}
    )
    colours = tuple(colour for _label, colour, _values in tr.comparison_series(report))
    assert colours == palette.comparison_colours(earlier)


def test_the_timeline_tells_every_carrier_kind_by_more_than_its_colour():
    from pae_desktop.ui.timeline import KIND_COLOURS, KIND_PATTERNS

    assert [KIND_COLOURS[kind].name().upper() for kind in CarrierKind] == list(palette.CARRIERS)
    for first, second in itertools.combinations(CarrierKind, 2):
        ratio = palette.contrast_ratio(KIND_COLOURS[first].name(), KIND_COLOURS[second].name())
        assert ratio >= 3 or KIND_PATTERNS[first] != KIND_PATTERNS[second], (first, second)
    entreprise, partenaire = KIND_COLOURS[CarrierKind.ENTREPRISE], KIND_COLOURS[CarrierKind.PARTENAIRE]
    assert palette.contrast_ratio(entreprise.name(), partenaire.name()) >= 3


def test_a_module_outside_the_pathway_is_written_not_only_drawn(qtbot):
    import datetime as dt

    from pae_desktop.ui.timeline import OUTSIDE_TEXT, TimelineModule, TimelineWidget

    timeline = TimelineWidget()
    qtbot.addWidget(timeline)
    inside = TimelineModule("Stage en entreprise", "PFMP", dt.date(2025, 10, 6), dt.date(2025, 10, 17),
                            CarrierKind.ENTREPRISE)
    late = TimelineModule("Atelier CV", "ACCOMPAGNEMENT", dt.date(2025, 12, 1), dt.date(2026, 1, 9),
                          CarrierKind.PARTENAIRE)
    timeline.set_pathway(dt.date(2025, 10, 1), dt.date(2025, 12, 19), [inside, late], today=dt.date(2025, 11, 3))
    lines = timeline.toolTip().split("\n")
    assert lines[0] == "Stage en entreprise (Entreprise) : du 6 octobre 2025 au 17 octobre 2025"
    assert lines[1].startswith("Atelier CV (Mission locale ou autre partenaire)") and lines[1].endswith(OUTSIDE_TEXT)
    assert timeline.accessibleDescription() == timeline.toolTip()
    timeline.resize(900, timeline.minimumHeight())
    timeline.grab()  # paints the hatching and the legend without error


def test_the_grey_of_archived_records_is_readable_text():
    from pae_desktop.ui.table_model import GREY

    for background in ("#ffffff", "#efefef"):  # a row, an alternate row of Fusion
        assert palette.contrast_ratio(GREY.color().name(), background) >= 4.5
