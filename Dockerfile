# syntax=docker/dockerfile:1
# CX Council: docker build -t cx-council .
#   docker run -p 8000:8000 -e SECRET_KEY=… -v council-data:/data cx-council
# DATABASE_URL defaults to SQLite in the /data volume; point it at PostgreSQL with
# -e DATABASE_URL=postgresql+psycopg://user:password@host/dbname.

FROM python:3.11-slim AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1 PYTHONDONTWRITEBYTECODE=1
WORKDIR /app
# Every package pinned and hash-checked; the lock also holds the dev tools, removed below.
COPY requirements.lock ./
RUN python -m venv /venv && /venv/bin/pip install --quiet --require-hashes -r requirements.lock
COPY pyproject.toml README.md ./
COPY app/ app/
# Editable, so the app runs from /app beside its migrations/ and templates/.
RUN /venv/bin/pip install --quiet --no-deps -e .
# Keep only what the app needs at run time: walk its requirements from the metadata.
RUN /venv/bin/python - <<'PY' > /tmp/dev-only.txt && xargs -r /venv/bin/pip uninstall --quiet -y < /tmp/dev-only.txt
import importlib.metadata as md
from pip._vendor.packaging.requirements import Requirement
from pip._vendor.packaging.utils import canonicalize_name

keep, seen, todo = set(), set(), [("cx-council", frozenset())]
while todo:
    name, extras = todo.pop()
    if (canonicalize_name(name), extras) in seen:
        continue
    seen.add((canonicalize_name(name), extras))
    dist = md.distribution(name)
    keep.add(canonicalize_name(dist.metadata["Name"]))
    for line in dist.requires or []:
        req = Requirement(line)
        wanted = req.marker is None or any(
            req.marker.evaluate({"extra": extra}) for extra in (extras or {""})
        )
        if wanted:
            todo.append((req.name, frozenset(req.extras)))
installed = {canonicalize_name(d.metadata["Name"]) for d in md.distributions()}
print("\n".join(sorted(installed - keep - {"pip", "setuptools", "wheel"})))
PY

FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PATH=/venv/bin:$PATH \
    ENVIRONMENT=production \
    DATABASE_URL=sqlite:////data/council.db \
    PORT=8000
RUN useradd --system --uid 10001 --no-create-home --home-dir /app --shell /usr/sbin/nologin council \
    && mkdir /data && chown council: /data
COPY --from=build /venv /venv
WORKDIR /app
# Owned by root: the app user can read its code but not change it.
COPY pyproject.toml README.md alembic.ini ./
COPY app/ app/
COPY migrations/ migrations/
COPY templates/ templates/
USER council
VOLUME /data
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s \
    CMD python -c "import os, urllib.request; urllib.request.urlopen(f'http://127.0.0.1:{os.environ[\"PORT\"]}/api/health', timeout=4)"
# Migrate, then serve; extra `docker run … ARGS` go to `council serve`.
ENTRYPOINT ["/bin/sh", "-c", "council db upgrade && exec council serve --host 0.0.0.0 \"$@\"", "council"]
