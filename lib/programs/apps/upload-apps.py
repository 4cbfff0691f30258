# Runs the runbook's "Application Installation" inside the cluster:
#   wget -O apps.zip "<archive url>" && unzip apps.zip
#   python upload_apps.py --host $APISERVER_ADDRESS --user $APISERVER_USER --password $APISERVER_PASSWORD --dir apps -ml
# The archive URL and the credentials come from Secrets through the environment and are never printed.
#
# Python, not Node: the archive's own upload_apps.py is Python, so the container needs Python anyway.
# Exit codes follow the convention of every in-cluster program (lib/programs/common/exit-codes.ts,
# docs/programs.md): 0 uploaded; 1 a failure that may pass (download or network error, HTTP 5xx/429,
# pip failed, upload_apps.py failed: its own codes are not documented, so any failure of it counts as one
# to retry); 2 retrying cannot fix it (a setting is missing, the archive URL is refused with 4xx, the
# archive's SHA-256 is not APPS_ARCHIVE_SHA256 when that is set, the archive is not a zip or does not hold
# exactly one upload_apps.py). The reason is the last line on
# standard error.
import hashlib
import os
import subprocess
import sys
import tempfile
import urllib.error
import urllib.request
import zipfile

EXIT_CONVERGED, EXIT_TRANSIENT, EXIT_PERMANENT = 0, 1, 2


def fail(code, message):
    print(f"apps upload failed: {message}", file=sys.stderr, flush=True)
    sys.exit(code)


missing = [name for name in ("APPS_ARCHIVE_URL", "APISERVER_ADDRESS", "APISERVER_USER", "APISERVER_PASSWORD") if not os.environ.get(name)]
if missing:
    fail(EXIT_PERMANENT, f"{', '.join(missing)} not set")

work = tempfile.mkdtemp(dir=os.environ.get("TMPDIR", "/tmp"))
archive = os.path.join(work, "apps.zip")
print("downloading the apps archive", flush=True)
try:
    with urllib.request.urlopen(os.environ["APPS_ARCHIVE_URL"], timeout=300) as answer, open(archive, "wb") as out:
        while True:
            chunk = answer.read(1 << 20)
            if not chunk:
                break
            out.write(chunk)
except urllib.error.HTTPError as e:
    # The URL itself is not printed (it may carry a token); its status says enough.
    transient = e.code >= 500 or e.code in (408, 429)
    fail(EXIT_TRANSIENT if transient else EXIT_PERMANENT, f"downloading the apps archive: HTTP {e.code}" + ("" if transient else "; check the archive URL Secret"))
except (urllib.error.URLError, OSError) as e:
    fail(EXIT_TRANSIENT, f"downloading the apps archive: {getattr(e, 'reason', e)}")
expected = os.environ.get("APPS_ARCHIVE_SHA256", "").strip().lower()
if expected:
    # The archive's code runs with the supervisor's credentials: only the archive the platform pinned.
    digest = hashlib.sha256()
    with open(archive, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    if digest.hexdigest() != expected:
        fail(EXIT_PERMANENT, f"the apps archive's SHA-256 is {digest.hexdigest()}, not {expected} (apps.archiveSha256); nothing of it was run")
else:
    print("the apps archive is not pinned (apps.archiveSha256 unset): running it as downloaded", flush=True)
try:
    with zipfile.ZipFile(archive) as z:
        z.extractall(work)
except zipfile.BadZipFile:
    fail(EXIT_PERMANENT, "the apps archive is not a zip file")
scripts = [os.path.join(root, "upload_apps.py") for root, _, files in os.walk(work) if "upload_apps.py" in files]
if len(scripts) != 1:
    fail(EXIT_PERMANENT, f"expected one upload_apps.py in the archive, found {len(scripts)}")
base = os.path.dirname(scripts[0])
env = dict(os.environ)
requirements = os.path.join(base, "requirements.txt")
if os.path.exists(requirements):
    # The root filesystem is read-only: the script's own dependencies go to the scratch folder.
    libs = os.path.join(work, "pylibs")
    print("installing the archive's requirements.txt", flush=True)
    pip = subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-cache-dir", "--target", libs, "-r", requirements])
    if pip.returncode != 0:
        fail(EXIT_TRANSIENT, f"pip install -r requirements.txt exited {pip.returncode}")
    env["PYTHONPATH"] = libs + os.pathsep + env.get("PYTHONPATH", "")
print(f"uploading apps from {os.path.relpath(base, work) or '.'}/apps", flush=True)
result = subprocess.run(
    [sys.executable, scripts[0], "--host", os.environ["APISERVER_ADDRESS"], "--user", os.environ["APISERVER_USER"],
     "--password", os.environ["APISERVER_PASSWORD"], "--dir", os.path.join(base, "apps"), "-ml"],
    cwd=base,
    env=env,
)
if result.returncode != 0:
    fail(EXIT_TRANSIENT, f"upload_apps.py exited {result.returncode}")
print("apps uploaded", flush=True)
sys.exit(EXIT_CONVERGED)
