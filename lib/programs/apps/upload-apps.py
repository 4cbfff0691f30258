# Runs the runbook's "Application Installation" inside the cluster:
#   wget -O apps.zip "<archive url>" && unzip apps.zip
#   python upload_apps.py --host $APISERVER_ADDRESS --user $APISERVER_USER --password $APISERVER_PASSWORD --dir apps -ml
# The archive URL and the credentials come from Secrets through the environment and are never printed.
import os
import subprocess
import sys
import tempfile
import urllib.request
import zipfile

work = tempfile.mkdtemp(dir=os.environ.get("TMPDIR", "/tmp"))
archive = os.path.join(work, "apps.zip")
print("downloading the apps archive", flush=True)
with urllib.request.urlopen(os.environ["APPS_ARCHIVE_URL"], timeout=300) as answer, open(archive, "wb") as out:
    while True:
        chunk = answer.read(1 << 20)
        if not chunk:
            break
        out.write(chunk)
with zipfile.ZipFile(archive) as z:
    z.extractall(work)
scripts = [os.path.join(root, "upload_apps.py") for root, _, files in os.walk(work) if "upload_apps.py" in files]
if len(scripts) != 1:
    sys.exit(f"expected one upload_apps.py in the archive, found {len(scripts)}")
base = os.path.dirname(scripts[0])
env = dict(os.environ)
requirements = os.path.join(base, "requirements.txt")
if os.path.exists(requirements):
    # The root filesystem is read-only: the script's own dependencies go to the scratch folder.
    libs = os.path.join(work, "pylibs")
    print("installing the archive's requirements.txt", flush=True)
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-cache-dir", "--target", libs, "-r", requirements], check=True)
    env["PYTHONPATH"] = libs + os.pathsep + env.get("PYTHONPATH", "")
print(f"uploading apps from {os.path.relpath(base, work) or '.'}/apps", flush=True)
result = subprocess.run(
    [sys.executable, scripts[0], "--host", os.environ["APISERVER_ADDRESS"], "--user", os.environ["APISERVER_USER"],
     "--password", os.environ["APISERVER_PASSWORD"], "--dir", os.path.join(base, "apps"), "-ml"],
    cwd=base,
    env=env,
)
sys.exit(result.returncode)
