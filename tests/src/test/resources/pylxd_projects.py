"""pylxd (Debian's python3-pylxd 2.2) and jlxd's projects: pylxd 2.2 has no projects model, so a Python user goes
through client.api (which is pylxd's own raw API access) with params={"project": ...}, as LXD's REST API has it.
Run by LxcProjectsTest with LXD_DIR pointing at a contract-checking proxy of jlxd's socket. Prints "ok <step>"."""
import os

import pylxd
from pylxd import exceptions
from pylxd.models.operation import Operation


def step(name):
    print("ok", name, flush=True)


client = pylxd.Client()  # $LXD_DIR/unix.socket
assert client.has_api_extension("projects")
client.api.projects.post(json={"name": "pyp", "config": {"limits.instances": "1"}})
names = [p["name"] for p in client.api.projects.get(params={"recursion": 1}).json()["metadata"]]
assert names[0] == "default" and "pyp" in names, names
assert client.api.projects["pyp"].get().json()["metadata"]["config"]["limits.instances"] == "1"
step("projects")

P = {"project": "pyp"}
# LXD's defaults: pyp has its own profiles (an empty default profile) and custom volumes
cfg = client.api.projects["pyp"].get().json()["metadata"]["config"]
assert cfg["features.profiles"] == "true" and cfg["features.storage.volumes"] == "true", cfg
own = client.api.profiles["default"].get(params=P).json()["metadata"]
assert own["project"] == "pyp" and own["devices"] == {}, own
client.api.profiles["default"].patch(json={"devices": {"root": {"type": "disk", "path": "/", "pool": "default"}}}, params=P)
assert "root" in client.api.profiles["default"].get(params=P).json()["metadata"]["devices"]
assert "root" in client.api.profiles["default"].get().json()["metadata"]["devices"]  # default's is its own
client.api.profiles.post(json={"name": "pyprof", "config": {"user.where": "pyp"}}, params=P)
assert client.api.profiles.get(params=P).json()["metadata"] == ["/1.0/profiles/default?project=pyp", "/1.0/profiles/pyprof?project=pyp"]
assert "/1.0/profiles/pyprof" not in client.api.profiles.get().json()["metadata"]
for params in (P, None):
    r = client.api.storage_pools["default"].volumes.custom.post(json={"name": "pyv"}, params=params)
    assert Operation.wait_for_operation(client, r.json()["operation"]).status == "Success"
vols = {(v["project"], v["name"]) for v in client.api.storage_pools["default"].volumes.custom.get(
    params={"all-projects": "true", "recursion": 1}).json()["metadata"]}
assert ("pyp", "pyv") in vols and ("default", "pyv") in vols, vols
usage = client.api.storage_pools["default"].volumes.custom["pyv"].state.get(params=P).json()["metadata"]["usage"]
assert usage["used"] >= 0 and usage["total"] == -1, usage
step("profiles and volumes")

# pyp's own images: an upload there (the same file default may hold) is pyp's, and so is its deletion
with open(os.environ["BUSYBOX"], "rb") as f:
    tarball = f.read()
r = client.api.images.post(data=tarball, params=P, headers={"Content-Type": "application/octet-stream"})
op = Operation.wait_for_operation(client, r.json()["operation"])
assert op.status == "Success", op.err
fp = op.metadata["fingerprint"]
assert client.api.images.get(params=P).json()["metadata"] == ["/1.0/images/%s?project=pyp" % fp]
r = client.api.images[fp].delete(params=P)
assert Operation.wait_for_operation(client, r.json()["operation"]).status == "Success"
assert client.api.images.get(params=P).json()["metadata"] == []
# default's copy of the same file (lxc image import in the test's set-up) stays default's
assert "/1.0/images/" + fp in client.api.images.get().json()["metadata"]
step("images")

r = client.api.instances.post(json={"name": "py1", "source": {"type": "none"}}, params=P)
op = Operation.wait_for_operation(client, r.json()["operation"])
assert op.status == "Success", op.err
inst = client.api.instances["py1"].get(params=P).json()["metadata"]
assert inst["project"] == "pyp", inst
try:
    client.api.instances["py1"].get()
    raise AssertionError("py1 is not in default")
except exceptions.NotFound:
    pass
try:
    client.api.instances.post(json={"name": "py2", "source": {"type": "none"}}, params=P)
    raise AssertionError("limits.instances=1 lets a second one in")
except exceptions.LXDAPIException as e:
    assert "Reached maximum number of instances" in str(e), str(e)
state = client.api.projects["pyp"].state.get().json()["metadata"]["resources"]
assert state["instances"] == {"limit": 1, "usage": 1}, state
step("instances")

try:
    client.api.projects["pyp"].delete()
    raise AssertionError("a project with an instance was deleted")
except exceptions.LXDAPIException as e:
    assert e.response.status_code == 409, e.response.status_code
r = client.api.instances["py1"].delete(params=P)
assert Operation.wait_for_operation(client, r.json()["operation"]).status == "Success"
try:
    client.api.projects["pyp"].delete()
    raise AssertionError("a project with a profile and a volume was deleted")
except exceptions.LXDAPIException as e:
    assert e.response.status_code == 409, e.response.status_code
client.api.profiles["pyprof"].delete(params=P)
for params in (P, None):
    client.api.storage_pools["default"].volumes.custom["pyv"].delete(params=params)
client.api.projects["pyp"].delete()
try:
    client.api.projects["pyp"].get()
    raise AssertionError("pyp is still there")
except exceptions.NotFound:
    pass
step("done")
