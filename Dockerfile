# CX Council: docker build -t cx-council .
#   docker run -p 8000:8000 -e SECRET_KEY=… -v council-data:/data cx-council
# DATABASE_URL defaults to SQLite in the /data volume; point it at PostgreSQL with
# -e DATABASE_URL=postgresql+psycopg://user:password@host/dbname.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PATH=/venv/bin:$PATH \
    ENVIRONMENT=production \
    DATABASE_URL=sqlite:////data/council.db \
    PORT=8000

WORKDIR /app
# WeasyPrint (the PDF pack) lays text out with Debian's Pango; DejaVu is its font.
RUN apt-get update -qq \
    && apt-get install -y -qq --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*
# The runtime lock only (no test tools): every package pinned and hash-checked.
COPY requirements.lock ./
RUN python -m venv /venv && pip install --quiet --require-hashes -r requirements.lock
# Owned by root: the app user can read its code but not change it.
COPY pyproject.toml README.md alembic.ini ./
COPY app/ app/
COPY migrations/ migrations/
COPY templates/ templates/
RUN pip install --quiet --no-deps -e . \
    && useradd --system --uid 10001 --no-create-home --home-dir /app --shell /usr/sbin/nologin council \
    && mkdir /data && chown council: /data

USER council
VOLUME /data
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s \
    CMD python -c "import os, urllib.request; urllib.request.urlopen(f'http://127.0.0.1:{os.environ[\"PORT\"]}/api/health', timeout=4)"
# Migrate, then serve; extra `docker run … ARGS` go to `council serve`.
ENTRYPOINT ["/bin/sh", "-c", "council db upgrade && exec council serve --host 0.0.0.0 \"$@\"", "council"]
