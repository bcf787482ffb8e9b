"""The colours of the charts and the timeline: Okabe & Ito's colour-blind-safe hues, dark and mid ones in turn.

WCAG 2.1 (1.4.11, non-text contrast) asks 3:1 of a chart's parts against their background; here every colour
also stands at 3:1 from the one drawn next to it, so that two bars side by side are told apart by their
lightness alone (what a colour-blind eye still sees). Under 3:1 against white a colour cannot be darker than
a luminance of 0.30, so three colours cannot all stand at 3:1 from each other: the dark ones (blue, purple)
alternate with the mid ones (vermilion, green, grey), and where two dark ones may meet (the timeline's
carrier kinds) a pattern tells them apart as well. A test computes every pair.
"""

from __future__ import annotations

# The backgrounds the colours are drawn on: a page or a cell (white), Qt's Fusion window (light grey).
WHITE = "#FFFFFF"
WINDOW = "#EFEFEF"
BACKGROUNDS = (WHITE, WINDOW)

DARK_BLUE = "#0B2E5C"  # Okabe & Ito's blue, darkened
DARK_PURPLE = "#4B1248"  # Okabe & Ito's reddish purple, darkened
VERMILION = "#D55E00"  # Okabe & Ito's vermilion
GREEN = "#008F68"  # Okabe & Ito's bluish green, a little darker
GREY = "#808080"
BLUE = "#0072B2"  # Okabe & Ito's blue: lines only (4.5:1 on the window, never beside a dark colour)
BLACK = "#000000"

# The «Bilan»'s comparison bars, left to right: the earlier campaigns (oldest first), the campaign, the
# académie — dark and mid in turn whatever the number of earlier campaigns shown.
CURRENT = DARK_BLUE
ACADEMIE = VERMILION
EARLIER = (GREEN, DARK_PURPLE, GREY)  # the latest earlier campaign first (it stands beside the campaign)

# The trend's lines: each with its own marker too (core/trend.py), all at 3:1 on the backgrounds.
TREND = (BLUE, VERMILION, GREEN, DARK_PURPLE, BLACK, GREY)

# The timeline's carrier kinds (établissement, entreprise, partenaire): the establishment plain, the others
# with their own hatching (ui/timeline.py) — the establishment and a partner are both dark.
CARRIERS = (DARK_BLUE, VERMILION, DARK_PURPLE)
OUTSIDE = "#C00000"  # a module outside the pathway's dates: framed and cross-hatched in red


def relative_luminance(colour: str) -> float:
    """WCAG 2.1's relative luminance of «#RRGGBB»."""
    value = colour.lstrip("#")
    channels = [int(value[index:index + 2], 16) / 255 for index in (0, 2, 4)]
    red, green, blue = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast_ratio(first: str, second: str) -> float:
    """WCAG 2.1's contrast ratio of two colours, from 1 (the same) to 21 (black on white)."""
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def comparison_colours(earlier: int) -> tuple[str, ...]:
    """The colours of a comparison chart's bars, left to right, with `earlier` earlier campaigns shown."""
    return (*reversed(EARLIER[:earlier]), CURRENT, ACADEMIE)
