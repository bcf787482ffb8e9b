"""Mass contact (issue 17 §1): the contact list (CSV for SMS/ENT, XLSX), the mail merge, the `.eml` drafts, the
one-step recording, and their command lines."""

from __future__ import annotations

import datetime as dt
import email
from email import policy

import openpyxl
import pytest
from sqlalchemy import func, select

from pae_desktop.cli import main
from pae_desktop.core.errors import UserError
from pae_desktop.core.models import (
    AuditEvent,
    Campaign,
    ContactAttempt,
    GeneratedDocument,
    InformationTarget,
    LegalRepresentative,
    OriginalSchooling,
    Person,
    Youth,
)
from pae_desktop.core.operations.mass_contact import (
    MassRecordForm,
    export_contact_list,
    print_letters,
    record_for_all,
    write_email_drafts,
)
from pae_desktop.core.services.contact_lists import list_youths
from pae_desktop.core.services.worklists import worklist_items
from pae_desktop.core.worklist import Worklist, worklist_by_slug
from pae_desktop.io.contact_list import APART_HEADERS, HEADERS
from pdf_text import pdf_text, squash, word_boxes

D = dt.date
TODAY = D(2025, 8, 28)
MM = 72 / 25.4  # points per millimetre


@pytest.fixture
def people(school_db):
    """An adult with a mobile and a non-ASCII address, a minor on a landline with two legal representatives,
    a formula-like name, a youth with no usable contact."""
    with school_db.transaction() as session:
        campaign = session.scalars(select(Campaign)).one()
        session.add(Person(last_name="Martin", first_name="Hélène", role="RDS", phone="03 83 00 00 01"))

        def youth(last, first, born, **values):
            row = Youth(
                campaign_id=campaign.id,
                pseudonym=f"{last[:3].lower()}0000000000000"[:16],
                last_name=last,
                first_names=first,
                birth_date=born,
                schooling=OriginalSchooling(division="TMELEC"),
                **values,
            )
            session.add(row)
            return row

        adult = youth(
            "Dupont", "Léa", D(2006, 3, 1), phone="06 12 34 56 78", email="élodie@exemple.fr",
            address="3 rue des Lilas", postal_code="54000", city="Nancy",
        )
        minor = youth(
            "Lefèvre", "Zoé", D(2009, 1, 15), phone="03 83 11 22 33", address="8 place Stanislas",
            postal_code="54000", city="Nancy",
        )
        minor.representatives = [
            LegalRepresentative(
                rank=1, last_name="Lefèvre", first_name="Anne", civility="Mme", link="20",
                phone="06 98 76 54 32", email='anne.lefevre@exemple.fr',
            ),
            LegalRepresentative(rank=2, last_name="Lefèvre", first_name="Paul", civility="M.", link="10"),
        ]
        formula = youth("=HYPERLINK(\"http://x\")", "+Bob", D(2005, 5, 5), phone="07 61 22 33 44")
        none = youth("Sans", "Contact", D(2005, 6, 6), phone_raw="12")
        session.flush()
        return campaign.id, [adult.id, minor.id, formula.id, none.id]


def _read_csv(path):
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    lines = raw.decode("utf-8-sig").split("\r\n")
    assert lines[-1] == ""
    return [line.split(";") for line in lines[:-1]]


def test_the_sms_file_lists_apart_flags_landlines_and_neutralises_formulas(school_db, people, tmp_path):
    campaign_id, ids = people
    target = tmp_path / "contacts.csv"
    with school_db.transaction() as session:
        done = export_contact_list(session, campaign_id, ids, target, today=TODAY)
    header, *rows = _read_csv(target)
    assert tuple(header) == HEADERS
    by_name = {row[0]: dict(zip(HEADERS, row, strict=True)) for row in rows}
    assert len(rows) == 3
    assert all(row[3] or row[6] or row[9] for row in rows)  # never a line without a number nor an address
    lea = by_name["DUPONT"]
    assert (lea["telephone"], lea["telephone_e164"], lea["sms"], lea["mineur"]) == (
        "06 12 34 56 78", "+33612345678", "O", "N",
    )
    zoe = by_name["LEFÈVRE"]
    assert (zoe["telephone_e164"], zoe["sms"], zoe["remarque"]) == ("+33383112233", "N", "Numéro fixe : pas de SMS")
    assert (zoe["mineur"], zoe["representant_legal"], zoe["telephone_representant_e164"]) == (
        "O", "Mme Anne LEFÈVRE", "+33698765432",
    )
    formula = next(row for row in rows if "HYPERLINK" in row[0])
    assert formula[0].startswith("\"'=") and formula[1] == "'+Bob"  # quoted (it holds `"`) and protected
    apart_header, *apart = _read_csv(tmp_path / "contacts_sans_coordonnees.csv")
    assert tuple(apart_header) == APART_HEADERS
    assert [row[0] for row in apart] == ["SANS"] and "Numéro invalide « 12 »" in apart[0][5]
    assert done.count == 4 and done.file == target
    assert any("1 jeune sans coordonnées" in w for w in done.warnings)
    with school_db.read() as session:
        event = session.scalars(select(AuditEvent).where(AuditEvent.action == "export")).one()
    assert event.nominative and "Liste de contacts" in event.detail and "contacts.csv" in event.detail


def test_the_xlsx_has_the_contacts_and_a_sheet_apart(school_db, people, tmp_path):
    campaign_id, ids = people
    target = tmp_path / "contacts.xlsx"
    with school_db.transaction() as session:
        export_contact_list(session, campaign_id, ids, target, today=TODAY)
    book = openpyxl.load_workbook(target)
    assert book.sheetnames == ["Contacts", "Sans coordonnées"]
    rows = list(book["Contacts"].iter_rows(values_only=True))
    assert rows[0][:5] == ("Nom", "Prénom", "Classe", "Téléphone", "Téléphone (E.164)")
    lea = next(row for row in rows if row[0] == "DUPONT")
    assert lea[4] == "+33612345678" and lea[6] == "élodie@exemple.fr"
    assert any(str(row[0]).startswith("'=HYPERLINK") for row in rows[1:])
    assert [row[0] for row in book["Sans coordonnées"].iter_rows(values_only=True)][1:] == ["SANS"]


def test_a_bad_suffix_or_an_empty_list_is_refused_and_nothing_written(school_db, people, tmp_path):
    campaign_id, ids = people
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(UserError, match=r"\.csv ou \.xlsx"), school_db.transaction() as session:
        export_contact_list(session, campaign_id, ids, out / "x.txt")
    with pytest.raises(UserError, match="vide"), school_db.transaction() as session:
        export_contact_list(session, campaign_id, [], out / "x.csv")
    assert list(out.iterdir()) == []
    with school_db.read() as session:
        assert session.scalar(select(func.count()).select_from(AuditEvent)) == 0


def test_the_mail_merge_of_a_minor_one_page_each_addressed_to_the_representatives(school_db, people, tmp_path):
    campaign_id, ids = people
    target = tmp_path / "courriers.pdf"
    with school_db.transaction() as session:
        done = print_letters(session, ids[:2], target)
    assert done.count == 2
    text = pdf_text(target)
    assert text.count("Page 1 / 1") == 2  # one letter a page
    minor_page = text.split("Page 1 / 1")[1]
    assert "Mme Anne LEFÈVRE" in minor_page and "M. Paul LEFÈVRE" in minor_page
    assert "Madame, Monsieur," in minor_page and "Zoé LEFÈVRE a terminé son année de terminale" in minor_page
    assert "«ParcoursAmbitionEmploi»" in squash(minor_page)  # the scheme of the youth's campaign (2025)
    assert "Hélène MARTIN" in minor_page and "03 83 00 00 01" in minor_page.replace("\u00a0", " ")
    assert "Bonjour Léa," in text.split("Page 1 / 1")[0]
    pages, words = word_boxes(target)
    first_line = next(w for w in words if w.page == 2 and w.text == "Mme")  # «Mme Anne LEFÈVRE»
    assert 99 * MM <= first_line.x_min <= 101 * MM  # the right window of a DL envelope
    assert 46 * MM <= first_line.y_min <= 52 * MM
    with school_db.read() as session:
        printed = session.scalars(select(GeneratedDocument.youth_id).where(GeneratedDocument.kind == "courrier"))
        assert sorted(printed) == sorted(ids[:2])


def test_one_letter_file_each_and_a_warning_for_no_postal_address(school_db, people, tmp_path):
    campaign_id, ids = people
    with school_db.transaction() as session:
        done = print_letters(session, ids, tmp_path / "courriers")
    assert len(list((tmp_path / "courriers").glob("courrier_*.pdf"))) == 4
    assert any("2 courriers sans adresse postale" in w for w in done.warnings)


def test_the_eml_drafts_round_trip(school_db, people, tmp_path):
    campaign_id, ids = people
    with school_db.transaction() as session:
        session.get(Youth, ids[2]).email = "bob@exemple.fr"
        rep = session.get(Youth, ids[1]).representatives[0]
        rep.first_name = 'Anne "Nanou"'
    with school_db.transaction() as session:
        done = write_email_drafts(session, campaign_id, ids, tmp_path / "eml", today=TODAY)
    assert done.count == 3 and any("1 jeune sans adresse électronique" in w for w in done.warnings)
    files = {path.name.split("_")[1]: path for path in (tmp_path / "eml").glob("*.eml")}
    lea = email.message_from_bytes(files["DUPONT"].read_bytes(), policy=policy.default)
    assert lea["X-Unsent"] == "1"
    (to,) = lea["To"].addresses
    # RFC 6532: the UTF-8 address as it is (the parser hands it back surrogate-escaped)
    assert to.username.encode("ascii", "surrogateescape").decode("utf-8") == "élodie"
    assert to.domain == "exemple.fr"
    assert "Bonjour Léa," in lea.get_content() and "AvenirPro" not in lea["Subject"]
    assert "Parcours Ambition Emploi" in lea["Subject"]
    zoe = email.message_from_bytes(files["LEFÈVRE"].read_bytes(), policy=policy.default)
    (anne,) = zoe["To"].addresses
    assert anne.display_name == 'Mme Anne "Nanou" LEFÈVRE' and anne.addr_spec == "anne.lefevre@exemple.fr"
    assert zoe["X-Unsent"] == "1" and "Madame, Monsieur," in zoe.get_content()
    assert not zoe.defects and not lea.defects


def test_record_the_information_action_for_everyone_in_one_step(school_db, people):
    campaign_id, ids = people
    form = MassRecordForm(on=dt.datetime(2025, 8, 28, 10), kind="COURRIER")
    with school_db.transaction() as session:
        done = record_for_all(session, campaign_id, ids, form, now=dt.datetime(2025, 8, 28, 11))
    assert done.count == 4 and "contacts" in done.topics
    with school_db.read() as session:
        assert sorted(session.scalars(select(InformationTarget.youth_id))) == sorted(ids)
        assert session.scalar(select(func.count()).select_from(AuditEvent)) == 1


def test_record_one_attempt_each_refused_whole_when_wrong(school_db, people):
    campaign_id, ids = people
    form = MassRecordForm(on=dt.datetime(2025, 8, 28, 10), kind="SMS", attempt=True, next_date=D(2025, 9, 1))
    with school_db.transaction() as session:
        done = record_for_all(session, campaign_id, ids, form, now=dt.datetime(2025, 8, 28, 11))
    assert done.count == 4
    with school_db.read() as session:
        attempts = session.scalars(select(ContactAttempt)).all()
        assert {(a.channel, a.result, a.next_step, a.next_date) for a in attempts} == {
            ("SMS", "MESSAGE_LAISSE", "A_RELANCER", D(2025, 9, 1))
        }
        assert sorted(a.youth_id for a in attempts) == sorted(ids)
    late = MassRecordForm(on=dt.datetime(2025, 8, 28, 10), kind="SMS", attempt=True, next_date=D(2025, 8, 1))
    with pytest.raises(UserError, match="relance précède"), school_db.transaction() as session:
        record_for_all(session, campaign_id, ids, late, now=dt.datetime(2025, 8, 28, 11))
    with pytest.raises(UserError, match="n'appartiennent pas"), school_db.transaction() as session:
        record_for_all(session, campaign_id, [*ids, 999_999], form, now=dt.datetime(2025, 8, 28, 11))
    with school_db.read() as session:
        assert session.scalar(select(func.count()).select_from(ContactAttempt)) == 4


def test_worklist_slugs():
    assert [w.slug for w in Worklist][:4] == ["a-contacter", "a-relancer", "injoignables", "entretien-a-proposer"]
    assert worklist_by_slug("Entretien-A-Proposer ") is Worklist.ENTRETIEN_A_PROPOSER
    assert worklist_by_slug("à-contacter") is None


# --- the command line -------------------------------------------------------------------------------------------


@pytest.fixture
def demo_dir(demo_db):
    with demo_db.read() as session:
        campaign = session.scalars(select(Campaign).where(Campaign.year == 2025)).one()
        listed = [item.youth_id for item in worklist_items(session, campaign.id, Worklist.A_CONTACTER)]
        assert list_youths(session, campaign.id, worklist="a-contacter") == listed
    demo_db.close()
    return str(demo_db.data_dir), listed


def test_cli_export_contacts_courriels_and_courrier(demo_dir, tmp_path, capsys):
    folder, listed = demo_dir
    assert listed
    csv_path = tmp_path / "contacts.csv"
    assert main(["--data-dir", folder, "export", "contacts", "--liste", "a-contacter", "-o", str(csv_path)]) == 0
    rows = _read_csv(csv_path)[1:]
    apart = tmp_path / "contacts_sans_coordonnees.csv"
    assert len(rows) + (len(_read_csv(apart)) - 1 if apart.exists() else 0) == len(listed)
    assert main(["--data-dir", folder, "export", "contacts", "-o", str(tmp_path / "tous.xlsx")]) == 0
    assert "Liste de contacts de la campagne 2025 écrite" in capsys.readouterr().err
    assert main(["--data-dir", folder, "export", "courriels", "--liste", "a-contacter", "-o", str(tmp_path / "eml")]) == 0
    assert list((tmp_path / "eml").glob("courriel_*.eml"))
    pdf = tmp_path / "courriers.pdf"
    assert main(["--data-dir", folder, "document", "courrier", "--liste", "a-contacter", "-o", str(pdf)]) == 0
    assert pdf_text(pdf).count("Courrier d'information — édité le") == len(listed)
    assert f"{len(listed)} courriers écrits" in capsys.readouterr().err


def test_cli_refusals(demo_dir, tmp_path, capsys):
    folder, _listed = demo_dir
    assert main(["--data-dir", folder, "export", "contacts", "--liste", "nope", "-o", str(tmp_path / "x.csv")]) == 1
    assert "Liste inconnue : « nope ». Listes : a-contacter" in capsys.readouterr().err
    with pytest.raises(SystemExit) as caught:
        main(["--data-dir", folder, "export", "contacts", "-o", str(tmp_path / "x.txt")])
    assert caught.value.code == 2
    with pytest.raises(SystemExit) as caught:
        main(["--data-dir", folder, "document", "convocation", "--liste", "a-contacter", "-o", str(tmp_path)])
    assert caught.value.code == 2
    assert [p.name for p in tmp_path.iterdir()] == ["donnees"]  # nothing written beside the data folder
