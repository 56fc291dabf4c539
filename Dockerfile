# nn-playground: one container serves a classroom. No build step beyond pip.
ARG BASE=python:3.11-slim
FROM ${BASE}

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    NUMBA_CACHE_DIR=/var/cache/nn-playground/numba

RUN groupadd --gid 10001 playground \
    && useradd --create-home --uid 10001 --gid 10001 --shell /usr/sbin/nologin playground \
    && mkdir -p /var/cache/nn-playground/numba \
    && chown -R 10001:10001 /var/cache/nn-playground

# A plain (non-editable) install: the page's templates and static files and the
# built-in lessons go to <prefix>/share/nn-playground with the wheel, and the
# sources leave the image.
COPY pyproject.toml README.md /tmp/src/
COPY engine /tmp/src/engine
COPY app /tmp/src/app
COPY templates /tmp/src/templates
COPY static /tmp/src/static
COPY lessons /tmp/src/lessons
RUN pip install --no-cache-dir /tmp/src && rm -rf /tmp/src

USER 10001:10001
WORKDIR /home/playground
# Compile the engine's kernels into the image, so no container pays for it at start.
RUN python -c "from engine.fast import warm_up; print(f'kernels ready in {warm_up():.1f} s')"

EXPOSE 8000
# The slim image has no curl: ask /healthz with the Python that is already there.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4)"]
CMD ["nn-playground", "--host", "0.0.0.0"]
