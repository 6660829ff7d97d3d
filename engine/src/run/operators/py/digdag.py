"""The `digdag` module that `py>` tasks import under `wf run` (digdag's Python API:
`digdag.env.params`, `store`, `export`, `add_subtask`)."""


class Env(object):
    def __init__(self):
        self.params = {}
        self.state_params = {}
        self.export_params = {}
        self.store_params = {}
        self.reset_store_params = []
        self.subtask_config = {}
        self.subtask_index = 0

    def set_state(self, params=None, **kwds):
        self.state_params.update(params or {})
        self.state_params.update(kwds)

    def export(self, params=None, **kwds):
        self.export_params.update(params or {})
        self.export_params.update(kwds)

    def store(self, params=None, **kwds):
        self.store_params.update(params or {})
        self.store_params.update(kwds)

    def reset_store(self, keys):
        self.reset_store_params.extend(keys)

    def add_subtask(self, function=None, **params):
        if function is not None and not isinstance(function, dict):
            if hasattr(function, "im_class"):
                # Python 2 bound method
                command = ".".join([function.im_class.__module__, function.im_class.__name__, function.__name__])
            elif hasattr(function, "__qualname__") and "." in function.__qualname__:
                command = ".".join([function.__module__, function.__qualname__])
            else:
                command = ".".join([function.__module__, function.__name__])
            config = dict(params)
            config["py>"] = command
        else:
            config = dict(function or {})
            config.update(params)
        try:
            import json
            json.dumps(config)
        except Exception as error:
            raise TypeError("Parameters must be serializable using JSON: %s" % str(error))
        self.subtask_config["+subtask" + str(self.subtask_index)] = config
        self.subtask_index += 1


env = Env()
