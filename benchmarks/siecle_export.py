"""A fictional SIECLE export of N final-year students: ExportXML_ElevesSansAdresses.zip plus a Nomenclature.

The structure follows /work/shared/reference/siecle/NOTES.md §2 (BEE_ELEVES: PARAMETRES, then DONNEES with
ELEVES, OPTIONS, STRUCTURES, BOURSES), ISO-8859-15 like the real files. Does not import `pae_desktop`.
"""

from __future__ import annotations

import random
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

_UAI_LETTERS = "ABCDEFGHJKLMNPRSTUVWXYZ"
UAI = "0549999" + _UAI_LETTERS[549999 % 23]  # the check letter of a UAI: the number mod 23

# (division, MEF, MEFSTAT11, label)
CLASSES = (
    ("TCAP-CUI", "24122146220", "23220021462", "2CAP2 CUISINE"),
    ("TCAP-EPC", "24131224220", "23220031224", "2CAP2 EQUIPIER POLYVALENT DU COMMERCE"),
    ("TCAP-MBC", "24123220220", "23220022322", "2CAP2 MACON"),
    ("TBP-MELEC", "24725520330", "23830025520", "TLEPRO METIERS ELECT. ENVIRON. CONNECTES"),
    ("TBP-ASSP", "24733007330", "23830033007", "TLEPRO ACCOMP. SOINS SERV. PERSONNE"),
    ("TBP-MCV", "24731221330", "23830031221", "TLEPRO METIERS COMMERCE VENTE"),
    ("TBP-MV", "24725204330", "23830025204", "TLEPRO MAINTENANCE DES VEHICULES"),
)
LAST_NAMES = (
    "MARTIN BERNARD THOMAS PETIT ROBERT RICHARD DURAND DUBOIS MOREAU LAURENT SIMON MICHEL LEFÈVRE LEROY ROUX "
    "DAVID BERTRAND MOREL FOURNIER GIRARD BONNET DUPONT LAMBERT FONTAINE ROUSSEAU VINCENT MULLER LEFEBVRE FAURE "
    "ANDRÉ MERCIER BLANC GUÉRIN BOYER GARNIER CHEVALIER FRANÇOIS LEGRAND GAUTHIER GARCIA PERRIN ROBIN CLÉMENT "
    "MORIN NICOLAS HENRY ROUSSEL MATHIEU GAUTIER MASSON MARCHAND DUVAL DENIS DUMONT MARIE LEMAIRE NOËL MEYER "
    "DUFOUR MEUNIER BRUN BLANCHARD GIRAUD JOLY RIVIÈRE LUCAS BRUNET GAILLARD BARBIER ARNAUD MARTINEZ GÉRARD "
    "ROCHE RENARD SCHMITT ROY LEROUX COLIN VIDAL CARON PICARD ROGER FABRE AUBERT LEMOINE RENAUD DUMAS LACROIX "
    "OLIVIER PHILIPPE BOURGEOIS PIERRE BENOÎT REY LECLERC PAYET ROLLAND LECLERCQ GUILLAUME LECOMTE LÓPEZ JEAN "
    "DUPUY GUILLOT HUBERT BERGER CARPENTIER SANCHEZ DUPUIS MOULIN LOUIS DESCHAMPS HUET VASSEUR PEREZ BOUCHER "
    "FLEURY ROYER KLEIN JACQUET ADAM PARIS POIRIER MARTY AUBRY GUYOT CARRÉ CHARLES RENAULT CHARPENTIER MÉNARD "
    "MAILLARD BARON BERTIN BAILLY HERVÉ SCHNEIDER FERNANDEZ LE GALL COLLET LÉGER BOUVIER JULIEN PRÉVOST MILLET "
    "PERROT DANIEL LE ROUX COUSIN GERMAIN BRETON BESSON LANGLOIS RÉMY LE GOFF PELLETIER LÉVÊQUE PERRIER LEBLANC "
    "BARRÉ LEBRUN MARCHAL WEBER MALLET HAMON BOULANGER JACOB MONNIER MICHAUD RODRIGUEZ GUICHARD GILLET ÉTIENNE "
    "GRONDIN POULAIN TESSIER CHEVALLIER COLLIN CHAUVIN DA SILVA BOUCHET GAY LEMAÎTRE BENARD MARÉCHAL HUMBERT "
    "REYNAUD ANTOINE HOARAU PERRET BARTHÉLÉMY CORDIER PICHON LEJEUNE GILBERT LAMY DELAUNAY PASQUIER CARLIER "
    "LAPORTE CŒURDEROI"
).split()
FIRST_NAMES = (
    "Léa Emma Chloé Inès Manon Jade Louise Lina Zoé Camille Sarah Anaïs Maëlys Océane Clara Éloïse Ambre "
    "Lucas Hugo Nathan Enzo Louis Gabriel Mathis Théo Raphaël Tom Noah Arthur Jules Maël Yanis Rayan Kylian "
    "Adam Mohamed Ethan Timéo Axel Noé Célia Maëva Naël Amine Sofiane Yasmine Wassim Mélissa Loïc Jérémy"
).split()


def rnie(number: int) -> str:
    """An INE-RNIE: nine digits and the two «letter-digits» of 97 − (n mod 97) (NOTES.md §0.7)."""
    digits = f"{number:09d}"
    key = 97 - int(digits) % 97
    letters = "ABCDEFGHJK"
    return digits + letters[key // 10] + letters[key % 10]


def _tag(name: str, value: str) -> str:
    return f"<{name}>{escape(value)}</{name}>"


def _parameters(year: int) -> str:
    return (
        "<PARAMETRES>"
        + _tag("UAJ", UAI)
        + _tag("ANNEE_SCOLAIRE", str(year))
        + _tag("DATE_EXPORT", f"03/06/{year + 1}")
        + _tag("HORODATAGE", f"03/06/{year + 1} 19:02:11")
        + "</PARAMETRES>"
    )


def eleves_xml(count: int, year: int = 2025, seed: int = 0) -> str:
    rng = random.Random(seed)
    eleves, structures, options, bourses = [], [], [], []
    for number in range(1, count + 1):
        eleve_id = str(100000 + number)
        division, mef, _stat, _label = CLASSES[rng.randrange(len(CLASSES))]
        sex = rng.choice("12")
        first = rng.choice(FIRST_NAMES)
        last = rng.choice(LAST_NAMES)
        body = [
            _tag("ID_NATIONAL", rnie(rng.randrange(10**8, 10**9))) if rng.random() < 0.97 else "",
            _tag("NOM_DE_FAMILLE", last),
            _tag("PRENOM", first),
            _tag("PRENOM2", rng.choice(FIRST_NAMES)) if rng.random() < 0.3 else "",
            _tag("DATE_NAISS", f"{rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/{year - rng.randint(16, 20)}"),
            _tag("CODE_SEXE", sex),
            _tag("CODE_STATUT", "ST"),
            _tag("CODE_REGIME", "0"),
            _tag("CODE_MEF", mef),
            _tag("DATE_ENTREE", f"01/09/{year}"),
            _tag("TEL_PORTABLE", f"06 {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)} "
                 f"{rng.randint(10, 99)}") if rng.random() < 0.9 else "",
            _tag("MEL", f"{first}.{last}@example.org".lower().replace(" ", "")) if rng.random() < 0.7 else "",
            f"<SCOLARITE_AN_DERNIER>{_tag('CODE_MEF', mef[:-3] + '320')}</SCOLARITE_AN_DERNIER>",
        ]
        eleves.append(f'<ELEVE ELEVE_ID="{eleve_id}" ELENOET="{number}">' + "".join(body) + "</ELEVE>")
        structures.append(
            f'<STRUCTURES_ELEVE ELEVE_ID="{eleve_id}" ELENOET="{number}"><STRUCTURE>'
            f"{_tag('CODE_STRUCTURE', division)}<TYPE_STRUCTURE>D</TYPE_STRUCTURE></STRUCTURE></STRUCTURES_ELEVE>"
        )
        options.append(
            f'<OPTION ELEVE_ID="{eleve_id}" ELENOET="{number}"><OPTIONS_ELEVE><NUM_OPTION>1</NUM_OPTION>'
            "<CODE_MODALITE_ELECT>O</CODE_MODALITE_ELECT><CODE_MATIERE>030201</CODE_MATIERE></OPTIONS_ELEVE>"
            "</OPTION>"
        )
        if rng.random() < 0.45:
            bourses.append(f'<BOURSE ELEVE_ID="{eleve_id}" ELENOET="{number}"><CODE_BOURSE>N</CODE_BOURSE></BOURSE>')
    return (
        '<?xml version="1.0" encoding="ISO-8859-15"?>\n<BEE_ELEVES VERSION="3.0">\n'
        + _parameters(year)
        + "\n<DONNEES>\n<ELEVES>\n"
        + "\n".join(eleves)
        + "\n</ELEVES>\n<OPTIONS>\n"
        + "\n".join(options)
        + "\n</OPTIONS>\n<STRUCTURES>\n"
        + "\n".join(structures)
        + "\n</STRUCTURES>\n<BOURSES>\n"
        + "\n".join(bourses)
        + "\n</BOURSES>\n</DONNEES>\n</BEE_ELEVES>\n"
    )


def nomenclature_xml(year: int = 2025) -> str:
    mefs = "".join(
        f'<MEF CODE_MEF="{mef}">'
        + _tag("FORMATION", label[:20])
        + _tag("LIBELLE_LONG", label)
        + _tag("LIBELLE_EDITION", label.title())
        + _tag("MEF_RATTACHEMENT", mef)
        + _tag("CODE_MEFSTAT", stat)
        + "</MEF>"
        for _division, mef, stat, label in CLASSES
    )
    return (
        '<?xml version="1.0" encoding="ISO-8859-15"?>\n<BEE_NOMENCLATURES VERSION="3.1">\n'
        + _parameters(year)
        + f"<DONNEES><MEFS>{mefs}</MEFS></DONNEES></BEE_NOMENCLATURES>\n"
    )


def write(folder: Path, count: int, year: int = 2025, seed: int = 0) -> tuple[Path, Path]:
    """(élèves ZIP, nomenclature ZIP) in `folder`."""
    eleves = folder / "ExportXML_ElevesSansAdresses.zip"
    with zipfile.ZipFile(eleves, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("ElevesSansAdresses.xml", eleves_xml(count, year, seed).encode("iso-8859-15"))
    nomenclature = folder / "ExportXML_Nomenclature.zip"
    with zipfile.ZipFile(nomenclature, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("Nomenclature.xml", nomenclature_xml(year).encode("iso-8859-15"))
    return eleves, nomenclature
