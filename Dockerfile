# nn-playground: one container serves a classroom.
# Two stages: the first builds a virtualenv and trims it; the final image holds
# that virtualenv and the compiled kernels, and none of the sources or build tools.
ARG BASE=python:3.11-slim
FROM ${BASE} AS build

ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# binutils for strip: the extension modules (llvmlite's above all) ship symbol
# tables that nothing reads at run time.
# Unpinned on purpose: it only runs here, never reaches the final image, and a pinned
# Debian version would break with each update of the base image.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends binutils \
    && rm -rf /var/lib/apt/lists/*

# A plain (non-editable) install: the page's templates and static files and the
# built-in lessons go to <prefix>/share/nn-playground with the wheel.
COPY pyproject.toml README.md /src/
COPY engine /src/engine
COPY app /src/app
COPY templates /src/templates
COPY static /src/static
COPY lessons /src/lessons
# The virtualenv loses pip, the libraries' own test suites and symbol tables (not
# the libraries under *.libs: auditwheel patched those, and strip breaks them);
# it keeps the compiled bytecode, which makes the server start faster.
RUN python -m venv /opt/nn-playground \
    && /opt/nn-playground/bin/pip install --no-cache-dir /src \
    && /opt/nn-playground/bin/pip uninstall --yes pip setuptools \
    && find /opt/nn-playground -depth -type d -name tests -path '*/site-packages/*' \
        -exec rm -rf {} + \
    && find /opt/nn-playground -name '*.so' -not -path '*.libs/*' \
        -exec strip --strip-unneeded {} +

FROM ${BASE}

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PATH=/opt/nn-playground/bin:$PATH \
    NUMBA_CACHE_DIR=/opt/nn-playground/kernels

RUN groupadd --gid 10001 playground \
    && useradd --create-home --uid 10001 --gid 10001 --shell /usr/sbin/nologin playground
COPY --from=build /opt/nn-playground /opt/nn-playground

# Compile the kernels (the engine's and the frames') into the image, so no
# container pays for it at start; the cache is readable by every user and
# needs no write access, so `docker run --read-only` and `--user` with any uid
# use it as it is.
RUN python -c "from app.main import warm_up; print(f'kernels ready in {warm_up():.1f} s')" \
    && chmod -R a+rX /opt/nn-playground/kernels

USER 10001:10001
WORKDIR /home/playground
EXPOSE 8000
# The slim image has no curl: ask /healthz with the Python that is already there.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4)"]
CMD ["nn-playground", "--host", "0.0.0.0"]
