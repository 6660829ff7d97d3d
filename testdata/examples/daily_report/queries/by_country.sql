SELECT country, COUNT(1) FROM access GROUP BY 1
