import digdag


def put(value):
    digdag.env.store({"v": value})


def export_it():
    digdag.env.export({"who": "exported"})
