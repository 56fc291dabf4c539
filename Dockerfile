# nn-playground: one container serves a classroom. No build step beyond pip.
ARG BASE=python:3.11-slim
FROM ${BASE}

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    NNP_TEMPLATES_DIR=/srv/nn-playground/templates \
    NNP_STATIC_DIR=/srv/nn-playground/static \
    NUMBA_CACHE_DIR=/tmp/numba-cache

RUN groupadd --gid 10001 playground \
    && useradd --create-home --uid 10001 --gid 10001 --shell /usr/sbin/nologin playground

WORKDIR /srv/nn-playground
COPY pyproject.toml README.md ./
COPY engine ./engine
COPY app ./app
RUN pip install --no-cache-dir .
# The page's files are read from here (NNP_TEMPLATES_DIR, NNP_STATIC_DIR).
COPY templates ./templates
COPY static ./static

USER 10001:10001
EXPOSE 8000
# The slim image has no curl: ask /healthz with the Python that is already there.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4)"]
CMD ["nn-playground", "--host", "0.0.0.0"]
