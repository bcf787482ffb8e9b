"""A shared database: config.ini, the connection test, two people on one youth, the window's refresh.

The tests taking `db`, `school_db` or `demo_db` run on SQLite and, with PAE_TEST_DATABASE_URL, on PostgreSQL
too (tests/pg_server.py); the `postgres_url` ones need the server.
"""

from __future__ import annotations

import dataclasses
import os
import stat

import pytest
from sqlalchemy import inspect, select, text

import pg_server
from pae_desktop.core.errors import CONFLICT_MESSAGE, UserError
from pae_desktop.core.models import Base
from pae_desktop.core.services.campaigns import get_campaign
from pae_desktop.core.services.youths import YouthForm, caseload_rows, load_youth, save_youth, youth_form
from pae_desktop.core.vocabulary import Stage
from pae_desktop.storage import paths, shared
from pae_desktop.storage.database import head_revision, normalise_url, open_database, read_config_url
from pae_desktop.ui import tasks
from pae_desktop.ui.context import AppContext


@pytest.fixture
def postgres_url():
    """An empty throwaway database on the test server (skipped without one, failed under CI=true)."""
    with pg_server.throwaway_database(migrated=False) as url:
        yield url


def add_youth(db, **fields) -> int:
    with db.transaction() as session:
        form = YouthForm(last_name="Martin", first_names="Léa", **fields)
        return save_youth(session, get_campaign(session, 2025), form).youth_id


def opened(db, youth_id):
    """What a detail panel holds after loading a youth: the form and the version it read."""
    with db.read() as session:
        youth = load_youth(session, youth_id)
        return youth_form(youth), youth.version


def save(db, form, youth_id, version):
    with db.transaction() as session:
        return save_youth(
            session, get_campaign(session, 2025), form, youth_id=youth_id, expected_version=version
        )


# --- config.ini and URLs -------------------------------------------------------------------------------------


def test_postgresql_urls_use_psycopg_3():
    assert normalise_url("postgresql://u@h/pae") == "postgresql+psycopg://u@h/pae"
    assert normalise_url("postgres://u@h/pae") == "postgresql+psycopg://u@h/pae"
    assert normalise_url("postgresql+psycopg://u@h/pae") == "postgresql+psycopg://u@h/pae"
    assert normalise_url("sqlite:///x.db") == "sqlite:///x.db"


def test_server_settings_round_trip_through_config_ini(tmp_path):
    settings = shared.ServerSettings(
        host="serveur-lycee", port=5433, database="pae", user="cpe", password="p@ss:w%rd/1"
    )
    config = tmp_path / "donnees"
    config.mkdir()
    (config / paths.CONFIG_FILE).write_text("[autre]\ncle = valeur\n", encoding="utf-8")
    written = shared.write_config_url(config, settings.url())
    url = read_config_url(config)
    assert shared.server_settings(url) == dataclasses.replace(settings, password="")  # never the password
    assert "cle = valeur" in written.read_text(encoding="utf-8")  # the file's other settings are kept
    if os.name == "posix":
        assert stat.S_IMODE(written.stat().st_mode) == 0o600
    assert "p@ss" not in shared.describe(url) and "serveur-lycee:5433/pae" in shared.describe(url)
    shared.write_config_url(config, None)
    assert read_config_url(config) is None
    assert "cle = valeur" in written.read_text(encoding="utf-8")


def test_incomplete_server_settings_are_refused_in_french():
    with pytest.raises(UserError, match="Indiquez le serveur"):
        shared.ServerSettings(host=" ", user="cpe").url()


def test_unreachable_server_says_why(tmp_path):
    # port 1 on the loopback: nothing listens there
    with pytest.raises(UserError, match="Connexion impossible"):
        shared.check_connection("postgresql://personne@127.0.0.1:1/pae")


# --- PostgreSQL ----------------------------------------------------------------------------------------------


def test_migrations_build_the_whole_schema_on_postgresql(postgres_url, tmp_path):
    assert shared.check_connection(postgres_url).schema == "empty"
    db = open_database(tmp_path / "poste", postgres_url)
    try:
        assert not db.is_sqlite and db.file is None
        tables = set(inspect(db.engine).get_table_names())
        assert set(Base.metadata.tables) <= tables
        with db.engine.connect() as conn:
            assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == head_revision()
            partial = conn.execute(
                text("SELECT indexdef FROM pg_indexes WHERE indexname = 'uq_slot_booking_active'")
            ).scalar()
        assert partial is not None and "WHERE" in partial  # the partial unique index, as on SQLite
        # the data folder still holds the lock (per workstation), but no database file
        assert (tmp_path / "poste" / paths.LOCK_FILE).exists()
        assert not (tmp_path / "poste" / paths.DATABASE_FILE).exists()
    finally:
        db.close()
    assert "à jour" in shared.check_connection(postgres_url).message()


def test_config_ini_points_the_data_folder_at_the_server(postgres_url, tmp_path):
    folder = tmp_path / "poste"
    shared.write_config_url(folder, postgres_url)
    db = open_database(folder)
    try:
        assert db.url == postgres_url and db.engine.dialect.name == "postgresql"
    finally:
        db.close()


def test_a_non_empty_foreign_database_is_refused(postgres_url):
    from sqlalchemy import create_engine

    engine = create_engine(normalise_url(postgres_url))
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE comptabilite (id integer)"))
    engine.dispose()
    with pytest.raises(UserError, match="autres tables"):
        shared.check_connection(postgres_url)


# --- on every backend ----------------------------------------------------------------------------------------


def test_caseload_rows_of_the_demo_school(demo_db):
    with demo_db.read() as session:
        campaign = get_campaign(session, 2025)
        rows = caseload_rows(session, campaign.id)
    assert len(rows) == 150
    stages = {row.stage for row in rows}
    assert Stage.SORTI in stages and len(stages) >= 4
    assert all(row.last_name and row.birth_date for row in rows)
    assert sum(1 for row in rows if row.last_contact is not None) > 50


def test_save_and_edit_a_youth(school_db):
    youth_id = add_youth(school_db, phone="06 12 34 56 78")
    form, version = opened(school_db, youth_id)
    form.city = "Épinal"
    result = save(school_db, form, youth_id, version)
    assert result.changed_fields == ("city",)
    form_after, version_after = opened(school_db, youth_id)
    assert form_after.city == "Épinal" and form_after.phone == "06 12 34 56 78"
    assert version_after == version + 1


def test_two_people_on_one_youth_the_second_save_is_refused(school_db):
    youth_id = add_youth(school_db)
    referent_form, referent_version = opened(school_db, youth_id)
    cpe_form, cpe_version = opened(school_db, youth_id)
    cpe_form.phone = "06 11 22 33 44"
    save(school_db, cpe_form, youth_id, cpe_version)
    referent_form.city = "Nancy"
    with pytest.raises(UserError) as refused:
        save(school_db, referent_form, youth_id, referent_version)
    assert str(refused.value) == CONFLICT_MESSAGE
    assert "modifié ailleurs" in CONFLICT_MESSAGE
    now, _ = opened(school_db, youth_id)
    assert now.phone == "06 11 22 33 44" and now.city == ""  # nothing overwritten, nothing half-saved


def test_a_change_of_schooling_alone_also_counts(school_db):
    youth_id = add_youth(school_db)
    first, first_version = opened(school_db, youth_id)
    second, second_version = opened(school_db, youth_id)
    second.division = "TBPRO2"
    save(school_db, second, youth_id, second_version)
    first.notes = "Rappeler lundi"
    with pytest.raises(UserError, match="modifié ailleurs"):
        save(school_db, first, youth_id, first_version)
    assert opened(school_db, youth_id)[0].division == "TBPRO2"


def test_two_sessions_writing_at_the_same_moment(school_db):
    """The version check passed in both sessions: the row's version refuses the second UPDATE."""
    youth_id = add_youth(school_db)
    with pytest.raises(UserError) as refused:
        with school_db.transaction() as first:
            youth = load_youth(first, youth_id)
            version = youth.version
            with school_db.transaction() as second:
                other = youth_form(load_youth(second, youth_id))
                other.city = "Metz"
                save_youth(
                    second, get_campaign(second, 2025), other, youth_id=youth_id, expected_version=version
                )
            mine = youth_form(youth)
            mine.city = "Toul"
            save_youth(first, get_campaign(first, 2025), mine, youth_id=youth_id, expected_version=version)
    assert str(refused.value) == CONFLICT_MESSAGE
    assert opened(school_db, youth_id)[0].city == "Metz"


# --- the window ----------------------------------------------------------------------------------------------


@pytest.fixture
def immediate_tasks():
    tasks.use_runner(tasks.run_now)
    yield
    tasks.use_runner(tasks.run_in_thread)


def test_detail_panel_shows_the_conflict_and_reloads(qtbot, school_db):
    from pae_desktop.ui.youth_detail import YouthDetail

    youth_id = add_youth(school_db)
    with school_db.read() as session:
        campaign_id = get_campaign(session, 2025).id
    panel = YouthDetail(AppContext(school_db, campaign_id))
    qtbot.addWidget(panel)
    panel.load(youth_id)
    # a colleague saves the same youth from another workstation
    other, version = opened(school_db, youth_id)
    other.city = "Lunéville"
    save(school_db, other, youth_id, version)
    panel.city.setText("Vandœuvre")
    assert panel.save() is False
    assert panel.form_message.text() == CONFLICT_MESSAGE
    assert panel.city.text() == "Lunéville"  # reloaded: the colleague's save shows, nothing was overwritten
    assert not panel.is_dirty()
    panel.city.setText("Vandœuvre")
    assert panel.save() is True  # the second attempt, on the fresh version, goes through
    assert opened(school_db, youth_id)[0].city == "Vandœuvre"


def test_detail_panel_follows_changes_made_elsewhere_unless_edited(qtbot, school_db):
    from pae_desktop.ui import context as topics
    from pae_desktop.ui.youth_detail import YouthDetail

    youth_id = add_youth(school_db)
    with school_db.read() as session:
        campaign_id = get_campaign(session, 2025).id
    context = AppContext(school_db, campaign_id)
    panel = YouthDetail(context)
    qtbot.addWidget(panel)
    panel.load(youth_id)
    other, version = opened(school_db, youth_id)
    other.city = "Toul"
    save(school_db, other, youth_id, version)
    context.changed(topics.YOUTHS)
    assert panel.city.text() == "Toul"
    panel.notes.setPlainText("en cours de saisie")
    other, version = opened(school_db, youth_id)
    other.city = "Metz"
    save(school_db, other, youth_id, version)
    context.changed(topics.YOUTHS)
    assert panel.notes.toPlainText() == "en cours de saisie"  # unsaved edits are never thrown away


def test_window_refreshes_from_a_shared_database_only(qtbot, school_db, immediate_tasks):
    from pae_desktop.ui.main_window import REFRESH_AFTER_SECONDS, MainWindow

    window = MainWindow(school_db)
    qtbot.addWidget(window)
    window.show()
    emitted = []
    window.context.data_changed.connect(emitted.append)
    window._last_refresh -= REFRESH_AFTER_SECONDS + 1  # as if the last refresh were old
    refreshed = window.refresh_from_others()
    assert refreshed is (not school_db.is_sqlite)
    assert bool(emitted) is refreshed
    assert window.refresh_from_others() is False  # just refreshed: not again at once


def test_settings_page_writes_config_ini_after_a_successful_test(qtbot, postgres_url, tmp_path):
    from pae_desktop.ui.shared_database import SharedDatabasePage

    db = open_database(tmp_path / "poste")
    try:
        page = SharedDatabasePage(db)
        qtbot.addWidget(page)
        assert page.local.isChecked()
        values = shared.server_settings(postgres_url)
        page.server.setChecked(True)
        page.host.setText(values.host)
        page.port.setValue(values.port)
        page.database.setText(values.database)
        page.user.setText(values.user)
        page.password.setText(values.password)
        assert page.apply() is True
        assert "prochain démarrage" in page.message.text()
        assert shared.server_settings(read_config_url(db.data_dir)) == values
        # a wrong port: the test fails, config.ini is left as it was
        page.port.setValue(1)
        assert page.apply() is False
        assert "Connexion impossible" in page.message.text()
        assert shared.server_settings(read_config_url(db.data_dir)).port == values.port
        page.local.setChecked(True)
        assert page.apply() is True
        assert read_config_url(db.data_dir) is None
    finally:
        db.close()


def test_settings_dialog_has_the_shared_database_page(qtbot, school_db):
    from pae_desktop.ui.settings_dialog import SettingsDialog

    with school_db.read() as session:
        campaign_id = get_campaign(session, 2025).id
    dialog = SettingsDialog(AppContext(school_db, campaign_id))
    qtbot.addWidget(dialog)
    titles = [dialog.tabs.tabText(i) for i in range(dialog.tabs.count())]
    assert "Base partagée" in titles
    assert dialog.shared_page.server.isChecked() is (not school_db.is_sqlite)


def test_no_password_is_written_into_the_database(postgres_url, tmp_path):
    from pae_desktop.core.services.campaigns import ensure_campaign
    from pae_desktop.core.services.school import SchoolForm, save_school

    # the test server trusts local connections: the password travels, and is ignored by the server
    with_password = shared.server_settings(postgres_url)
    url = shared.ServerSettings(**{**with_password.__dict__, "password": "MotDePasse-Secret-42"}).url()
    folder = tmp_path / "poste"
    shared.write_config_url(folder, url)
    db = open_database(folder)
    try:
        with db.transaction() as session:
            save_school(session, SchoolForm(name="Lycée Test", uai="0759999L", city="Nancy"))
            ensure_campaign(session, 2025)
        add_youth(db)
        with db.read() as session:
            for table in Base.metadata.sorted_tables:
                for row in session.execute(select(table)):
                    assert "MotDePasse-Secret-42" not in " ".join(map(str, row))
    finally:
        db.close()
    assert "MotDePasse-Secret-42" not in (folder / paths.CONFIG_FILE).read_text(encoding="utf-8")


# --- moving a workstation's database to the server -----------------------------------------------------------


def test_the_local_demo_school_moves_to_an_empty_server(tmp_path, postgres_url):
    from pae_desktop.core.services.demo import generate_demo

    local = open_database(tmp_path / "poste")
    try:
        with local.transaction() as session:
            generate_demo(session, students=40, seed=2, year=2025)
        with local.read() as session:
            before = caseload_rows(session, get_campaign(session, 2025).id)
        steps = []
        counts = shared.copy_to_server(
            local.engine, postgres_url, lambda done, total, message: steps.append(done)
        )
    finally:
        local.close()
    assert counts["youth"] == 40 and steps and steps[-1] == sum(counts.values())
    shared.write_config_url(tmp_path / "poste", postgres_url)
    server = open_database(tmp_path / "poste")
    try:
        assert server.engine.dialect.name == "postgresql"
        with server.read() as session:
            after = caseload_rows(session, get_campaign(session, 2025).id)
        assert sorted(after, key=lambda row: row.id) == sorted(before, key=lambda row: row.id)
        # the server's counters go on after the copied ids: a new youth gets a fresh one
        new_id = add_youth(server)
        assert new_id > max(row.id for row in before)
    finally:
        server.close()
    with pytest.raises(UserError, match="contient déjà des dossiers"):
        other = open_database(tmp_path / "autre-poste")
        try:
            shared.copy_to_server(other.engine, postgres_url)
        finally:
            other.close()


def test_settings_page_copies_the_local_files_then_points_at_the_server(
    qtbot, tmp_path, postgres_url, immediate_tasks
):
    from pae_desktop.ui.shared_database import SharedDatabasePage

    db = open_database(tmp_path / "poste")
    try:
        from pae_desktop.core.services.demo import generate_demo

        with db.transaction() as session:
            generate_demo(session, students=12, seed=1, year=2025)
        page = SharedDatabasePage(db)
        qtbot.addWidget(page)
        assert not page.copy_button.isEnabled()  # local mode: nothing to copy to
        values = shared.server_settings(postgres_url)
        page.server.setChecked(True)
        assert page.copy_button.isEnabled()
        page.host.setText(values.host)
        page.port.setValue(values.port)
        page.database.setText(values.database)
        page.user.setText(values.user)
        page.copy_to_server()
        assert page.message.text().startswith("12 dossiers de jeunes copiés vers le serveur")
        assert shared.server_settings(read_config_url(db.data_dir)).database == values.database
        page.copy_to_server()  # a second copy is refused: the server is no longer empty
        assert "contient déjà des dossiers" in page.message.text()
    finally:
        db.close()
