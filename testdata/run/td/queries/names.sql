select name, n from users
