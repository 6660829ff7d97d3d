select count(1) as n from events
