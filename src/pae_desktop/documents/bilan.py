"""«Bilan de campagne»: the indicators of a campaign (or of a network) with charts, beside the académie's 2023."""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any, BinaryIO

from reportlab.graphics.shapes import Circle, Drawing, Line, Polygon, PolyLine, Rect, String
from reportlab.lib import colors
from reportlab.lib.units import mm

from pae_desktop.core import indicators as ind
from pae_desktop.core import trend as tr
from pae_desktop.core.scheme import default_scheme, with_values
from pae_desktop.core.vocabulary import ExitCategory, ExitDetail
from pae_desktop.documents import layout as L

SCHOOL_COLOUR = L.PRIMARY
ACADEMIE_COLOUR = colors.HexColor(tr.ACADEMIE_COLOUR)
PREVIOUS_COLOUR = colors.HexColor(tr.EARLIER_COLOURS[0])
EXIT_COLOURS = (
    colors.HexColor("#1F4E79"),
    colors.HexColor("#2E8B57"),
    colors.HexColor("#E0A040"),
    colors.HexColor("#9A9A9A"),
)

FUNNEL = ("effectif", "informes", "contactes", "entretiens_acceptes", "entretiens_realises", "engages", "parcours")
COMPARED = (
    "taux_acceptation_entretien",
    "taux_engagement",
    "part_diplomes_parcours",
    "part_parcours_partenariaux",
    "taux_abandon",
)
SHORT = {
    "taux_acceptation_entretien": "Acceptation",
    "taux_engagement": "Engagement",
    "part_diplomes_parcours": "Diplômés",
    "part_parcours_partenariaux": "Partenariaux",
    "taux_abandon": "Abandon",
}


def percent(value: float | None) -> str:
    """«46,2 %» (French decimal comma, narrow no-break space), «—» when the rate has no denominator."""
    if value is None:
        return L.EMPTY
    return f"{value * 100:.1f}".replace(".", ",") + "\u202f%"


def number(value: Any) -> str:
    if value is None:
        return L.EMPTY
    return f"{value:,}".replace(",", "\u202f") if isinstance(value, int) else str(value)


def value_text(key: str, value: Any) -> str:
    return percent(value) if ind.is_rate(key) else number(value)


def academie_text(key: str) -> str:
    if key in ind.ACADEMIE_2023:
        return percent(ind.ACADEMIE_2023[key])
    if key in ind.ACADEMIE_2023_COUNTS:
        return "≈ " + number(ind.ACADEMIE_2023_COUNTS[key])
    if key == "missions_locales":
        return f"{percent(ind.ACADEMIE_2023_ML_SHARE)} des ML du territoire"
    return L.EMPTY


# --- charts ---------------------------------------------------------------------------------------------


def funnel_chart(counts: dict[str, int], width: float = L.FRAME_WIDTH) -> Drawing:
    """Horizontal bars from the census to the pathways, each with its count and share of the census."""
    bar_h, gap, label_w = 13, 5, 48 * mm
    height = len(FUNNEL) * (bar_h + gap) + 6
    drawing = Drawing(width, height)
    total = max(counts.get("effectif", 0), 1)
    usable = width - label_w - 32 * mm
    for index, key in enumerate(FUNNEL):
        y = height - (index + 1) * (bar_h + gap)
        count = counts.get(key, 0)
        drawing.add(String(0, y + 3.5, ind.POPULATION[key].label, fontName=L.FONT, fontSize=8.5))
        length = usable * count / total
        drawing.add(Rect(label_w, y, max(length, 0.5), bar_h, fillColor=SCHOOL_COLOUR, strokeColor=None))
        share = percent(ind.rate(count, counts.get("effectif", 0)))
        drawing.add(
            String(label_w + length + 4, y + 3.5, f"{number(count)}  ({share})", fontName=L.FONT_BOLD, fontSize=8.5)
        )
    return drawing


def _legend(drawing: Drawing, x: float, y: float, items: Sequence[tuple[str, Any]]) -> None:
    for label, colour in items:
        drawing.add(Rect(x, y, 8, 8, fillColor=colour, strokeColor=None))
        drawing.add(String(x + 11, y + 1, label, fontName=L.FONT, fontSize=8))
        x += 11 + len(label) * 4.6 + 14


def rates_chart(
    series: Sequence[tuple[str, Any, dict[str, float | None]]], keys: Sequence[str], labels: dict[str, str],
    width: float = L.FRAME_WIDTH, height: float = 62 * mm,
) -> Drawing:
    """Grouped vertical bars, 0 to 100 %: one group per key, one bar per series (label, colour, values)."""
    drawing = Drawing(width, height)
    left, bottom, top = 24, 26, 16
    plot_h = height - bottom - top
    plot_w = width - left - 4
    for tick in (0, 0.25, 0.5, 0.75, 1.0):
        y = bottom + plot_h * tick
        drawing.add(Line(left, y, left + plot_w, y, strokeColor=L.RULE, strokeWidth=0.4))
        drawing.add(String(left - 3, y - 3, f"{int(tick * 100)} %", fontName=L.FONT, fontSize=7, textAnchor="end"))
    group_w = plot_w / max(len(keys), 1)
    bar_w = min(18, (group_w - 10) / max(len(series), 1))
    for g, key in enumerate(keys):
        x0 = left + g * group_w + (group_w - bar_w * len(series)) / 2
        for s, (_label, colour, values) in enumerate(series):
            value = values.get(key)
            x = x0 + s * bar_w
            if value is None:
                drawing.add(String(x + bar_w / 2, bottom + 2, "—", fontName=L.FONT, fontSize=7, textAnchor="middle"))
                continue
            h = plot_h * max(0.0, min(value, 1.0))
            drawing.add(Rect(x + 1, bottom, bar_w - 2, max(h, 0.5), fillColor=colour, strokeColor=None))
            drawing.add(
                String(x + bar_w / 2, bottom + h + 2, f"{round(value * 100)}", fontName=L.FONT, fontSize=6.5,
                       textAnchor="middle")
            )
        drawing.add(
            String(left + g * group_w + group_w / 2, bottom - 10, labels.get(key, key), fontName=L.FONT, fontSize=8,
                   textAnchor="middle")
        )
    _legend(drawing, left, height - 10, [(label, colour) for label, colour, _v in series])
    return drawing


# --- the document -----------------------------------------------------------------------------------------


def _comparison_series(report) -> list[tuple[str, Any, dict[str, float | None]]]:
    """The earlier campaigns the table shows, the campaign and the académie: one colour each (`core.trend`)."""
    return [(label, colors.HexColor(colour), values) for label, colour, values in tr.comparison_series(report)]


def _marker(drawing: Drawing, shape: str, x: float, y: float, colour: Any) -> None:
    """A point of the trend chart: its shape tells the rate apart without its colour."""
    if shape == "circle":
        drawing.add(Circle(x, y, 2.6, fillColor=colour, strokeColor=None))
    elif shape == "square":
        drawing.add(Rect(x - 2.4, y - 2.4, 4.8, 4.8, fillColor=colour, strokeColor=None))
    elif shape == "triangle":
        drawing.add(Polygon([x - 3, y - 2.4, x + 3, y - 2.4, x, y + 3], fillColor=colour, strokeColor=None))
    else:
        drawing.add(Polygon([x, y - 3.2, x + 3.2, y, x, y + 3.2, x - 3.2, y], fillColor=colour, strokeColor=None))


def trend_chart(points: Sequence[tuple[int, dict[str, float | None]]], width: float = L.FRAME_WIDTH,
                height: float = 70 * mm) -> Drawing:
    """The funnel's rates across campaigns, 0 to 100 %: one line per rate; a null rate leaves a gap."""
    drawing = Drawing(width, height)
    left, bottom, top, right = 24, 16, 30, 12
    plot_h, plot_w = height - bottom - top, width - left - right
    for tick in (0, 0.25, 0.5, 0.75, 1.0):
        y = bottom + plot_h * tick
        drawing.add(Line(left, y, left + plot_w, y, strokeColor=L.RULE, strokeWidth=0.4))
        drawing.add(String(left - 3, y - 3, f"{int(tick * 100)} %", fontName=L.FONT, fontSize=7, textAnchor="end"))
    step = plot_w / max(len(points), 1)

    def x_of(index: int) -> float:
        return left + step * (index + 0.5)

    for index, (year, _values) in enumerate(points):
        drawing.add(String(x_of(index), bottom - 10, str(year), fontName=L.FONT, fontSize=8, textAnchor="middle"))
    for (key, _label), colour, shape in zip(tr.TREND, tr.TREND_COLOURS, tr.TREND_MARKERS, strict=True):
        fill = colors.HexColor(colour)
        for run in tr.segments([values.get(key) for _year, values in points]):
            xy = [(x_of(i), bottom + plot_h * max(0.0, min(v, 1.0))) for i, v in run]
            if len(xy) > 1:
                drawing.add(PolyLine([c for point in xy for c in point], strokeColor=fill, strokeWidth=1.4))
            for x, y in xy:
                _marker(drawing, shape, x, y, fill)
    x, y = left, height - 10
    for (_key, label), colour, shape in zip(tr.TREND, tr.TREND_COLOURS, tr.TREND_MARKERS, strict=True):
        advance = 16 + len(label) * 4.4 + 10
        if x + advance > width:
            x, y = left, y - 11
        drawing.add(Line(x, y + 3, x + 12, y + 3, strokeColor=colors.HexColor(colour), strokeWidth=1.4))
        _marker(drawing, shape, x + 6, y + 3, colors.HexColor(colour))
        drawing.add(String(x + 15, y, label, fontName=L.FONT, fontSize=8))
        x += advance
    return drawing


def trend_story(report) -> list:
    """The «Évolution» section: the trend chart of the funnel's rates, then their table, one row per campaign."""
    points = tr.trend_points(report)
    if not points:
        return []
    out: list = [L.section("Évolution des taux sur les campagnes de l'établissement")]
    if len(points) == 1:
        out.append(L.paragraph(f"Seule la campagne {report.campagne} est enregistrée : l'évolution apparaîtra "
                               "avec la suivante.", "muted"))
    out.append(trend_chart(points))
    rows = [[str(year)] + [percent(values[key]) for key in tr.TREND_KEYS] for year, values in points]
    out.append(L.data_table(["Campagne"] + [label for _key, label in tr.TREND], rows,
                            col_widths=[1.4, 1.5, 1.3, 1.9, 1.6, 1.5, 1.4]))
    out.append(L.paragraph("« — » : taux sans dénominateur cette année-là (une interruption de la courbe, pas un "
                           "zéro).", "muted"))
    return out


def story(report) -> list:
    flat = ind.flat(report.indicators)
    counts = report.counts
    out: list = []
    scope = "des établissements du réseau" if report.per_school is not None else "de l'établissement"
    intro = (
        f"Campagne de la rentrée {report.campagne} : {number(counts.get('effectif', 0))} jeunes recensés "
        f"{scope}, {number(counts.get('parcours', 0))} parcours ({percent(flat['taux_couverture'])} des recensés)."
    )
    out.append(L.paragraph(intro))
    if report.deadline is not None:
        out.append(L.paragraph(f"Date cible des entretiens imposée : {L.french_date(report.deadline)}.", "muted"))
    if report.files:
        out.append(L.paragraph("Fichiers consolidés : " + ", ".join(os.path.basename(f) for f in report.files), "small"))

    out.append(L.section("Du repérage au parcours"))
    out.append(funnel_chart(counts))

    earlier = tr.earlier_shown(report)
    out.append(L.section(f"Comparaison avec l'académie (chiffres 2023){tr.compared_years(report)}"))
    out.append(rates_chart(_comparison_series(report), COMPARED, SHORT))

    out.append(L.section("Sorties des parcours"))
    exit_keys = [f"sorties.{c}" for c in ind.EXIT_CATEGORIES]
    exit_labels = {f"sorties.{c}": ExitCategory.label_of(c) for c in ind.EXIT_CATEGORIES}
    exit_labels["sorties.ACCOMPAGNEMENT_ML"] = "Accomp. ML"
    out.append(rates_chart(_comparison_series(report), exit_keys, exit_labels, height=52 * mm))
    known = counts.get("sorties_connues", 0)
    rows = []
    for category in ind.EXIT_CATEGORIES:
        details = report.exits.get(category, {})
        listing = ", ".join(f"{ExitDetail.label_of(d, 'non précisé')} : {n}" for d, n in sorted(details.items()))
        total = sum(details.values())
        rows.append([ExitCategory.label_of(category), number(total), percent(ind.rate(total, known)),
                     percent(ind.ACADEMIE_2023[f"sorties.{category}"]), listing or L.EMPTY])
    out.append(L.data_table(["Catégorie", "Jeunes", "Part", "Académie 2023", "Détail"], rows,
                            col_widths=[3, 1.2, 1.3, 1.7, 5]))
    out.append(L.paragraph(f"Sorties connues : {number(known)} parcours sur {number(counts.get('parcours', 0))}.",
                           "muted"))

    out += phase1_story(report)
    out += trend_story(report)

    out.append(L.section("Tous les indicateurs"))
    years = [year for year, _values in earlier]
    headers = ["Indicateur", f"{report.campagne}", "Académie 2023"] + [str(y) for y in years]
    table = []
    for key, value in ind.displayed(report.indicators).items():
        line = [ind.LABELS[key], value_text(key, value), academie_text(key)]
        line += [value_text(key, ind.flat(v).get(key)) for _year, v in earlier]
        table.append(line)
    out.append(L.data_table(headers, table, col_widths=[5.5, 1.6, 2.2] + [1.4] * len(years)))
    out.append(
        L.paragraph(
            "Un taux est calculé sur son dénominateur (spécification PAE-FOQUALE § 4) ; « — » : dénominateur nul. "
            "La part des missions locales ayant participé (50 % en 2023) porte sur celles du territoire.",
            "muted",
        )
    )

    if report.per_school is not None:
        out.append(L.section("Par établissement"))
        keys = ("effectif", "parcours", "taux_acceptation_entretien", "taux_engagement", "taux_abandon")
        heads = ["UAI", "Recensés", "Parcours", "Acceptation", "Engagement", "Abandon"]
        if ind.has_phase1(report.indicators):
            keys += ("part_4_ateliers_avenirpro",)
            heads.append("4 ateliers")
        body = [[uai] + [value_text(k, report.per_school[uai].get(k)) for k in keys] for uai in sorted(report.per_school)]
        body.append(["Réseau"] + [value_text(k, report.indicators.get(k)) for k in keys])
        out.append(L.data_table(heads, body, col_widths=[2, 1.5, 1.5, 1.7, 1.7, 1.5, 1.5][: len(heads)]))
    return out


def phase1_story(report) -> list:
    """The «Phase 1» section (spec §6), only when some row carried phase 1."""
    lines = ind.phase1_lines(report.indicators, report.counts)
    if not lines:
        return []
    rows = [[label, number(count), percent(share)] for _key, label, count, share in lines]
    return [
        L.section(f"Phase 1 {report.phase1_name}".strip()),
        L.paragraph(ind.phase1_intro(report.counts)),
        L.data_table(["Pendant la phase 1", "Jeunes", "Part"], rows, col_widths=[6, 1.5, 1.5]),
        L.paragraph("Part calculée sur les jeunes dont la phase 1 est renseignée.", "muted"),
    ]


def build_bilan(target: str | os.PathLike | BinaryIO | None, report, school: Any = None, options=None) -> bytes:
    """The «Bilan de campagne» PDF of a report (`core.services.reporting.Report`); returns its bytes."""
    if school is None and report.per_school is not None:
        # A network's report holds pseudonymised statistics only: no school header, no GDPR footer.
        school = L.SchoolInfo(name="Réseau FOQUALE", uai="")
        options = options or L.DocumentOptions(gdpr_footer=False)
    if report.per_school is None and report.scheme_name:  # the footer names the campaign's scheme
        options = options or L.DocumentOptions()
        scheme = with_values(options.scheme or default_scheme(report.campagne), name=report.scheme_name)
        options = options.with_scheme(scheme)
    subtitle = (
        f"{len(report.etablissements)} établissement(s) : {', '.join(report.etablissements)}"
        if report.per_school is not None
        else f"Campagne de la rentrée {report.campagne}"
    )
    if report.scheme_name:
        subtitle += f" — {report.scheme_name}"
    return L.build_pdf(target, school, report.title, lambda ctx: story(report), subtitle=subtitle, options=options,
                       subject=" — ".join(filter(None, ("Bilan de campagne", report.scheme_name))))
