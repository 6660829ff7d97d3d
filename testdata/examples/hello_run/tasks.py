import digdag


def count_rows(rows):
    print("counting %s rows" % rows)
    digdag.env.store({"row_count": int(rows) * 10})
