"""`py>` runner for `wf run`: the protocol of digdag's runner.py. Reads the input JSON
(`params`, `command`, `script`), calls the method with keyword arguments taken from the
parameters, and writes `export_params`, `store_params`, `subtask_config` and `error` to the
output JSON."""
import collections
import inspect
import json
import os
import sys
import traceback

in_file, out_file = sys.argv[1], sys.argv[2]
with open(in_file) as f:
    data = json.load(f, object_pairs_hook=collections.OrderedDict)

sys.path.insert(0, os.getcwd())
import digdag  # noqa: E402  (from the runner's own directory)

params = data["params"]
digdag.env.params = params
command = data.get("command")
script = data.get("script")


class ArgumentError(Exception):
    pass


def arguments_for(fn, skip_self):
    try:
        spec = inspect.getfullargspec(fn)
    except TypeError:
        return [], {}
    names = spec.args[1:] if skip_self else spec.args
    defaults = spec.defaults or ()
    required = len(names) - len(defaults)
    args = []
    for i, name in enumerate(names):
        if name in params:
            args.append(params[name])
        elif i >= required:
            args.append(defaults[i - required])
        else:
            raise ArgumentError("Method '%s' requires parameter '%s' but not set" % (fn.__name__, name))
    kwargs = {}
    if spec.varkw:
        kwargs = dict((k, v) for k, v in params.items() if k not in names)
    return args, kwargs


def resolve(command):
    fragments = command.split(".")
    method = fragments.pop()
    import importlib
    module_name = ".".join(fragments)
    try:
        module = importlib.import_module(module_name)
        return None, getattr(module, method)
    except ImportError:
        if len(fragments) < 2:
            raise
        class_name = fragments.pop()
        module = importlib.import_module(".".join(fragments))
        cls = getattr(module, class_name)
        return cls, method


error = None
try:
    if command:
        cls, target = resolve(command)
        if cls is None:
            args, kwargs = arguments_for(target, False)
            target(*args, **kwargs)
        else:
            cargs, ckwargs = arguments_for(cls.__init__, True) if cls.__init__ is not object.__init__ else ([], {})
            instance = cls(*cargs, **ckwargs)
            fn = getattr(instance, target)
            args, kwargs = arguments_for(fn, True)
            fn(*args, **kwargs)
    elif script is not None:
        exec(compile(script, "<script>", "exec"), {"__name__": "__digdag_script__"})
    else:
        raise ArgumentError("Parameter '_command' or 'script' is required")
except SystemExit as e:
    if e.code not in (None, 0):
        error = {"class": "SystemExit", "message": str(e.code), "backtrace": []}
except BaseException as e:
    error = {
        "class": type(e).__name__,
        "message": str(e),
        "backtrace": traceback.format_exception(type(e), e, e.__traceback__),
    }

out = {
    "subtask_config": digdag.env.subtask_config,
    "export_params": digdag.env.export_params,
    "store_params": digdag.env.store_params,
    "reset_store_params": digdag.env.reset_store_params,
    "error": error,
}
with open(out_file, "w") as f:
    json.dump(out, f)
if error is not None:
    sys.stderr.write("".join(error["backtrace"]) or error["message"] + "\n")
    sys.exit(1)
