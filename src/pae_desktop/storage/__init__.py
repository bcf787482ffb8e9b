"""Storage: the data folder, the database engine and lock, migrations and backups."""
