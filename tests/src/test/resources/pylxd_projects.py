"""pylxd (Debian's python3-pylxd 2.2) and jlxd's projects: pylxd 2.2 has no projects model, so a Python user goes
through client.api (which is pylxd's own raw API access) with params={"project": ...}, as LXD's REST API has it.
Run by LxcProjectsTest with LXD_DIR pointing at a contract-checking proxy of jlxd's socket. Prints "ok <step>"."""
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
client.api.projects["pyp"].delete()
try:
    client.api.projects["pyp"].get()
    raise AssertionError("pyp is still there")
except exceptions.NotFound:
    pass
step("done")
