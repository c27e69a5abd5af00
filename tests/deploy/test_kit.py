"""The deployment kit in deploy/: the environment file documents every setting, the systemd units and the nginx
site pass their own tools' checks, gunicorn's configuration loads with the production settings."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent
DEPLOY = ROOT / "deploy"
UNITS = ["portal-web.service", "portal-worker.service", "portal-beat.service"]
# the nightly `manage.py backup` (README "Backup and restore"), checked by systemd-analyze with the others
BACKUP_UNITS = ["portal-backup.service", "portal-backup.timer"]

# env("NAME"…), env.bool("NAME"…), env.int(…), env.list(…), env.db(…) … — possibly over several lines.
ENV_READ = re.compile(r"\benv(?:\.[a-z_]+)?\(\s*[\"']([A-Z][A-Z0-9_]*)[\"']")
# os.environ.get("NAME" …) / os.environ["NAME"] / ${NAME} in a unit's command line
OS_READ = re.compile(r"os\.environ(?:\.get\(|\.setdefault\(|\[)\s*[\"']([A-Z][A-Z0-9_]*)[\"']")
UNIT_READ = re.compile(r"\$\{([A-Z][A-Z0-9_]*)\}")
# a setting line of the example: NAME=value, or "# NAME=value" for one left at its default
EXAMPLE_LINE = re.compile(r"^(?:#\s?)?([A-Z][A-Z0-9_]*)=", re.MULTILINE)


def settings_reads() -> set[str]:
    names = set()
    for module in (ROOT / "config" / "settings").glob("*.py"):
        names |= set(ENV_READ.findall(module.read_text()))
    return names


def documented() -> set[str]:
    return set(EXAMPLE_LINE.findall((DEPLOY / "portal.env.example").read_text()))


def test_every_setting_the_portal_reads_is_in_the_environment_file_example():
    read = settings_reads()
    assert {"DJANGO_SECRET_KEY", "DATABASE_URL", "TRUSTED_PROXY_COUNT", "SESSION_HOURS"} <= read  # the parser works
    missing = sorted(read - documented())
    assert not missing, f"deploy/portal.env.example does not explain: {', '.join(missing)}"


def test_the_example_documents_nothing_that_nobody_reads():
    read = settings_reads() | {"DJANGO_SETTINGS_MODULE"}
    read |= set(OS_READ.findall((DEPLOY / "gunicorn.conf.py").read_text()))
    for unit in UNITS:
        read |= set(UNIT_READ.findall((DEPLOY / "systemd" / unit).read_text()))
    stale = sorted(documented() - read)
    assert not stale, f"deploy/portal.env.example names settings nothing reads: {', '.join(stale)}"


def test_the_example_names_the_settings_an_operator_must_decide():
    text = (DEPLOY / "portal.env.example").read_text()
    for line in [
        "DJANGO_SETTINGS_MODULE=config.settings.prod",
        "TRUSTED_PROXY_COUNT=1",
        "DJANGO_SECURE_SSL_REDIRECT=true",
        "MEDIA_ROOT=/var/lib/portal/media",
    ]:
        assert re.search(rf"^{re.escape(line)}$", text, re.MULTILINE), line
    # systemd's EnvironmentFile and the shell (deploy/manage.sh) read it alike: no "export", no spaces around "="
    for line in text.splitlines():
        assert not line.startswith("export ") and not re.match(r"^#?\s?[A-Z_]+\s+=", line), line


@pytest.fixture
def unit_root(tmp_path):
    """A root directory for `systemd-analyze verify --root`: the machine's own system units (targets the units
    refer to), ours in /etc/systemd/system, and stand-ins for the programs they start, so that verify checks
    the files themselves instead of stopping at the absent /srv/portal."""
    system = Path("/usr/lib/systemd/system")
    if not system.is_dir():
        system = Path("/lib/systemd/system")
    shutil.copytree(system, tmp_path / "usr/lib/systemd/system", symlinks=True)
    target = tmp_path / "etc/systemd/system"
    target.mkdir(parents=True)
    for unit in UNITS + BACKUP_UNITS:
        shutil.copy(DEPLOY / "systemd" / unit, target / unit)
    for program in (
        "srv/portal/.venv/bin/gunicorn",
        "srv/portal/.venv/bin/celery",
        "srv/portal/.venv/bin/python",
        "bin/kill",
        "usr/bin/mkdir",
        "usr/bin/find",
    ):
        path = tmp_path / program
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("#!/bin/sh\n")
        path.chmod(0o755)
    (tmp_path / "etc/portal").mkdir()
    (tmp_path / "etc/portal/portal.env").write_text((DEPLOY / "portal.env.example").read_text())
    return tmp_path


def _verify(root):
    return subprocess.run(
        ["systemd-analyze", "verify", f"--root={root}", *UNITS, *BACKUP_UNITS],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_systemd_units_pass_systemd_analyze_verify(unit_root):
    if not shutil.which("systemd-analyze"):
        pytest.skip("systemd-analyze is not installed (Debian: apt-get install systemd): units not verified")
    done = _verify(unit_root)
    # verify exits 0 on an unknown key or a bad value, only warning: any output is a failure
    assert done.returncode == 0 and not (done.stdout + done.stderr).strip(), done.stdout + done.stderr

    # … and it does check: a misspelt option and a missing program are reported
    web = unit_root / "etc/systemd/system/portal-web.service"
    web.write_text(web.read_text().replace("Restart=always", "Restart=sometimes"))
    (unit_root / "srv/portal/.venv/bin/celery").unlink()
    done = _verify(unit_root)
    output = done.stdout + done.stderr
    assert "sometimes" in output and "celery is not executable" in output


def test_the_units_run_the_services_as_the_readme_says():
    web, worker, beat = ((DEPLOY / "systemd" / unit).read_text() for unit in UNITS)
    for unit in (web, worker, beat):
        assert "User=portal" in unit and "EnvironmentFile=/etc/portal/portal.env" in unit
        assert "Restart=always" in unit and "NoNewPrivileges=yes" in unit and "ProtectSystem=strict" in unit
    assert "gunicorn --config /srv/portal/deploy/gunicorn.conf.py config.wsgi" in web
    assert "-O fair" in worker and "--concurrency ${CELERY_CONCURRENCY}" in worker
    assert "--scheduler django_celery_beat.schedulers:DatabaseScheduler" in beat


NGINX_WRAPPER = """
pid {tmp}/nginx.pid;
error_log {tmp}/error.log;
events {{}}
http {{
    {mime}
    client_body_temp_path {tmp}/body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    access_log {tmp}/access.log;
    include {tmp}/portal.conf;
}}
"""


def test_the_nginx_site_passes_nginx_t(tmp_path):
    nginx = shutil.which("nginx") or ("/usr/sbin/nginx" if os.path.exists("/usr/sbin/nginx") else None)
    if nginx is None:
        pytest.skip("nginx is not installed (scripts/install.sh --test installs it): the site was not checked")
    if not shutil.which("openssl"):
        pytest.skip("openssl is not installed: no certificate for nginx -t")
    key, cert = tmp_path / "portal.key", tmp_path / "portal.crt"
    openssl = ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"]
    openssl += ["-subj", "/CN=cxzy.example.gov.cn", "-keyout", str(key), "-out", str(cert)]
    subprocess.run(openssl, check=True, capture_output=True, timeout=60)
    site = (DEPLOY / "nginx" / "portal.conf").read_text()
    assert "/etc/ssl/portal/portal.crt" in site and "/etc/ssl/portal/portal.key" in site
    site = site.replace("/etc/ssl/portal/", f"{tmp_path}/").replace("/var/log/nginx/", f"{tmp_path}/")
    (tmp_path / "portal.conf").write_text(site)
    mime = "include /etc/nginx/mime.types;" if os.path.exists("/etc/nginx/mime.types") else ""
    (tmp_path / "nginx.conf").write_text(NGINX_WRAPPER.format(tmp=tmp_path, mime=mime))

    done = subprocess.run(
        [nginx, "-t", "-e", str(tmp_path / "error.log"), "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert "syntax is ok" in done.stderr and "test is successful" in done.stderr
    assert "[warn]" not in done.stderr, done.stderr


def test_the_nginx_site_keeps_media_private_and_tokens_out_of_its_log():
    site = (DEPLOY / "nginx" / "portal.conf").read_text()
    directives = "\n".join(line.split("#", 1)[0] for line in site.splitlines())  # without the comments
    assert "/var/lib/portal" not in directives and "/media" not in directives  # no location serves MEDIA_ROOT
    token_block = re.search(r"location /evaluations/m/ \{(.*?)\}", directives, re.S).group(1)
    assert "access_log off;" in token_block
    log_format = re.search(r"log_format portal_access (.*?);", directives, re.S).group(1)
    for variable in ("$request ", "$request_uri", "$args", "$query_string", "$http_referer"):
        assert variable not in log_format  # the query string (search terms) and tokens stay out of nginx's log
    assert "$uri" in log_format and "$request_id" in log_format
    for header in ("X-Forwarded-For $proxy_add_x_forwarded_for", "X-Forwarded-Proto $scheme", "X-Request-ID"):
        assert f"proxy_set_header {header}" in directives
    limit = int(re.search(r"client_max_body_size (\d+)m;", directives).group(1)) * 1024 * 1024
    from django.conf import settings

    assert limit >= max(settings.IMPORT_MAX_UPLOAD_BYTES, settings.ATTACHMENT_MAX_BYTES) + 2 * 1024 * 1024


def test_gunicorn_conf_loads_with_the_production_settings(tmp_path):
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "DJANGO_SECRET_KEY": "check-config-" + "x" * 50,
        "DJANGO_ALLOWED_HOSTS": "cxzy.example.gov.cn",
        "DATABASE_URL": f"sqlite:///{tmp_path}/db.sqlite3",
    }  # no DJANGO_SETTINGS_MODULE: gunicorn.conf.py must choose the production settings itself
    gunicorn = Path(sys.executable).parent / "gunicorn"
    done = subprocess.run(
        [str(gunicorn), "--config", str(DEPLOY / "gunicorn.conf.py"), "--check-config", "config.wsgi"],
        cwd=tmp_path,  # anywhere: the config finds the project itself
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    probe = subprocess.run(
        [str(gunicorn), "--config", str(DEPLOY / "gunicorn.conf.py"), "--print-config", "config.wsgi"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    printed = dict(
        (key.strip(), value.strip()) for key, _, value in (line.partition("=") for line in probe.stdout.splitlines())
    )
    assert printed["worker_class"] == "gthread"
    assert printed["bind"] == "['unix:/run/portal/gunicorn.sock']"
    assert printed["accesslog"] == "None"


def test_manage_sh_is_valid_shell():
    done = subprocess.run(["bash", "-n", str(DEPLOY / "manage.sh")], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert os.access(DEPLOY / "manage.sh", os.X_OK)
