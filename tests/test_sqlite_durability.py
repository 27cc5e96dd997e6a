"""A transaction committed on SQLite survives its process ending without closing the
connection, also after a savepoint of more pages than the cache holds was rolled back (an
import's dry run, a refused file): what the app's connection settings guarantee
(`tracker.engines`)."""

import subprocess
import sys
import textwrap

from sqlalchemy import create_engine, text

WRITER = textwrap.dedent("""
    import os, sys
    from sqlalchemy import text
    from tracker.engines import make_engine

    engine = make_engine(sys.argv[1])
    connection = engine.connect()
    connection.exec_driver_sql("CREATE TABLE runs (id INTEGER PRIMARY KEY, state TEXT)")
    connection.exec_driver_sql("CREATE TABLE rows (id INTEGER PRIMARY KEY, v TEXT)")
    connection.exec_driver_sql("CREATE INDEX rows_v ON rows (v)")
    connection.commit()
    with connection.begin():
        connection.execute(text("INSERT INTO runs (state) VALUES ('running')"))
        savepoint = connection.begin_nested()
        connection.execute(text("INSERT INTO rows (v) VALUES (:v)"),
                           [{"v": str(n) * 50} for n in range(20_000)])
        savepoint.rollback()  # a dry run: the rows taken back, the run kept
        connection.execute(text("UPDATE runs SET state = 'checked'"))
    os._exit(0)  # the process ends without closing its connection
""")


def test_a_commit_after_a_large_savepoint_rolled_back_survives_an_unclosed_exit(tmp_path):
    url = f"sqlite:///{tmp_path / 'tracker.db'}"
    subprocess.run([sys.executable, "-c", WRITER, url], check=True)
    engine = create_engine(url)
    with engine.connect() as connection:
        assert connection.execute(text("SELECT state FROM runs")).scalars().all() == ["checked"]
        assert connection.execute(text("SELECT count(*) FROM rows")).scalar() == 0
    engine.dispose()
