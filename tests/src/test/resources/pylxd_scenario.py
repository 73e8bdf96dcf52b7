"""pylxd (Debian's python3-pylxd 2.2) against jlxd: what a Python user of LXD does, modelled on pylxd's own
integration tests. Run by PylxdClientTest with LXD_DIR pointing at a contract-checking proxy of jlxd's socket and
IMAGE at the busybox test image; or, with ENDPOINT (https://...), CERT, KEY and TOKEN, over HTTPS with a client
certificate that a trust token makes trusted, and SERVER_CERT, the daemon's certificate it verifies. Prints "ok <step>" per step; any failure raises (exit code 1, traceback)."""
import hashlib
import os
import tempfile

import pylxd
from pylxd import exceptions


def step(name):
    print("ok", name, flush=True)


if os.environ.get("ENDPOINT"):
    # over HTTPS, the server's certificate pinned: an untrusted client certificate, trusted by redeeming a jlxd trust
    # token as the "password". requests lets REQUESTS_CA_BUNDLE/CURL_CA_BUNDLE override a session's own verify (its
    # issue 3829): without them, pylxd's verify= is what checks the server
    os.environ.pop("REQUESTS_CA_BUNDLE", None)
    os.environ.pop("CURL_CA_BUNDLE", None)
    client = pylxd.Client(endpoint=os.environ["ENDPOINT"], cert=(os.environ["CERT"], os.environ["KEY"]),
                          verify=os.environ["SERVER_CERT"])
    assert not client.trusted
    client.authenticate(os.environ["TOKEN"])
    assert client.trusted
    step("trusted")
else:
    client = pylxd.Client()  # $LXD_DIR/unix.socket
    assert client.trusted
for ext in ("storage", "resources", "file_delete"):
    assert client.has_api_extension(ext), ext
step("client")

# images: upload, alias, export, list
with open(os.environ["IMAGE"], "rb") as f:
    data = f.read()
fingerprint = hashlib.sha256(data).hexdigest()
image = client.images.create(data, wait=True)
assert image.fingerprint == fingerprint, image.fingerprint
image.add_alias("pybb", "busybox test image")
assert client.images.get_by_alias("pybb").fingerprint == fingerprint
assert fingerprint in [i.fingerprint for i in client.images.all()]
assert hashlib.sha256(image.export().read()).hexdigest() == fingerprint
image.properties["pylxd"] = "yes"
image.save()
assert client.images.get(fingerprint).properties["pylxd"] == "yes"
step("images")

# profiles
profile = client.profiles.create("pyprof", config={"user.k": "v"})
profile.config["user.k2"] = "v2"
profile.save()
assert client.profiles.get("pyprof").config["user.k2"] == "v2"
assert "pyprof" in [p.name for p in client.profiles.all()]
step("profiles")

# containers (/1.0/containers): create, start, state, exec, files, freeze, stop
ct = client.containers.create({"name": "py1", "source": {"type": "image", "alias": "pybb"},
                               "profiles": ["default", "pyprof"]}, wait=True)
assert client.containers.exists("py1")
assert ct.expanded_config["user.k"] == "v"
ct.start(wait=True)
ct.sync()
assert ct.status == "Running", ct.status
assert ct.state().pid > 0
result = ct.execute(["sh", "-c", "echo out; echo err >&2; exit 3"])
assert result.exit_code == 3, result
assert result.stdout == "out\n", result
assert result.stderr == "err\n", result
assert ct.execute(["cat"], stdin_payload="from stdin").stdout == "from stdin"
step("exec")

ct.files.put("/root/hello.txt", b"hello pylxd")
assert ct.files.get("/root/hello.txt") == b"hello pylxd"
ct.files.delete("/root/hello.txt")
try:
    ct.files.get("/root/hello.txt")
    raise AssertionError("deleted file still readable")
except exceptions.NotFound:
    pass
with tempfile.TemporaryDirectory() as tmp:
    os.makedirs(os.path.join(tmp, "tree", "sub"))
    with open(os.path.join(tmp, "tree", "sub", "a"), "w") as f:
        f.write("A")
    ct.files.recursive_put(os.path.join(tmp, "tree"), "/root/tree")
assert ct.files.get("/root/tree/sub/a") == b"A"
step("files")

ct.freeze(wait=True)
ct.sync()
assert ct.status == "Frozen", ct.status
ct.unfreeze(wait=True)
step("freeze")

# snapshots
ct.execute(["sh", "-c", "echo before > /root/mark"])
snap = ct.snapshots.create("s1", wait=True)
assert [s.name for s in ct.snapshots.all()] == ["s1"]
ct.execute(["sh", "-c", "echo after > /root/mark"])
ct.stop(wait=True)
ct.restore_snapshot("s1", wait=True)
ct.start(wait=True)
assert ct.execute(["cat", "/root/mark"]).stdout == "before\n"
snap.rename("s2", wait=True)
assert [s.name for s in ct.snapshots.all()] == ["s2"]
step("snapshots")

# publish: a snapshot, and the stopped container
snap = ct.snapshots.get("s2")
snap_image = snap.publish(wait=True)
ct.stop(wait=True)
ct_image = ct.publish(wait=True)
assert ct_image.fingerprint != fingerprint
py2 = client.containers.create({"name": "py2", "source": {"type": "image", "fingerprint": ct_image.fingerprint}},
                               wait=True)
py2.start(wait=True)
assert py2.execute(["cat", "/root/mark"]).stdout == "before\n"
py2.stop(wait=True)
py2.delete(wait=True)
snap_image.delete(wait=True)
ct_image.delete(wait=True)
step("publish")

ct.rename("py3", wait=True)
ct = client.containers.get("py3")
snap = ct.snapshots.get("s2")
snap.delete(wait=True)
ct.delete(wait=True)
assert not client.containers.exists("py3")
step("containers")

# storage pools and volumes
pool = client.storage_pools.get("default")
resources = pool.resources.get()
assert resources.space["total"] > 0
new_pool = client.storage_pools.create({"name": "pypool", "driver": "dir", "config": {}})
assert "pypool" in [p.name for p in client.storage_pools.all()]
vol = new_pool.volumes.create({"name": "pyvol", "type": "custom", "config": {}}, wait=True)
vol = new_pool.volumes.get("custom", "pyvol")
vol.config["user.v"] = "1"
vol.save(wait=True)
assert new_pool.volumes.get("custom", "pyvol").config["user.v"] == "1"
assert "pyvol" in [v.name for v in new_pool.volumes.all()]
vol.delete()
new_pool.delete()
step("storage")

profile.delete()
image.delete(wait=True)
step("done")
