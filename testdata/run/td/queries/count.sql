-- daily count
select count(1) as cnt from access where td_time_range(time, '${session_date}')
