select count(*) as cnt from daily
