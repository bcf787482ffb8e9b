"""Draw the application icon (resources/icons/pae-desktop.png, .ico and .svg-free sizes) with Qt, offscreen.

Run once when the icon changes: `QT_QPA_PLATFORM=offscreen .venv/bin/python scripts/draw_icon.py`.
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QGuiApplication, QImage, QPainter, QPainterPath, QPen

ICONS = Path(__file__).resolve().parents[1] / "resources" / "icons"
SIZES = (16, 24, 32, 48, 64, 128, 256)


def draw(size: int) -> QImage:
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    p = QPainter(image)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    s = size / 256
    # a blue rounded square
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(QBrush(QColor("#1d4f91")))
    p.drawRoundedRect(QRectF(8 * s, 8 * s, 240 * s, 240 * s), 44 * s, 44 * s)
    # a rising path: three steps towards a goal (the pathway to employment)
    path = QPainterPath(QPointF(48 * s, 196 * s))
    path.lineTo(104 * s, 150 * s)
    path.lineTo(146 * s, 170 * s)
    path.lineTo(208 * s, 92 * s)
    p.setPen(QPen(QColor("#ffffff"), max(2.0, 18 * s), Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap,
                  Qt.PenJoinStyle.RoundJoin))
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.drawPath(path)
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(QBrush(QColor("#f5b800")))
    p.drawEllipse(QPointF(208 * s, 86 * s), 24 * s, 24 * s)
    if size >= 48:
        font = QFont("DejaVu Sans", max(1, round(50 * s)))
        font.setBold(True)
        p.setFont(font)
        p.setPen(QColor("#ffffff"))
        p.drawText(QRectF(28 * s, 28 * s, 150 * s, 70 * s), Qt.AlignmentFlag.AlignLeft, "PAE")
    p.end()
    return image


def main() -> int:
    QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    ICONS.mkdir(parents=True, exist_ok=True)
    draw(256).save(str(ICONS / "pae-desktop.png"))
    for size in (48, 128):
        draw(size).save(str(ICONS / f"pae-desktop-{size}.png"))
    # Qt's ICO writer stores one image; Pillow, when present, packs every size into the .ico
    try:
        from PIL import Image

        Image.open(ICONS / "pae-desktop.png").save(ICONS / "pae-desktop.ico", sizes=[(n, n) for n in SIZES])
    except ImportError:
        draw(256).save(str(ICONS / "pae-desktop.ico"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
