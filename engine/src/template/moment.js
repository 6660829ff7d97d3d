// wf's implementation of the moment.js 2.21 API that digdag templates use (locale `en`,
// no moment-timezone), written for wf: it follows moment's documented behaviour and its
// algorithms (local-time setters with Date semantics, month clamping, week numbering,
// ISO / RFC 2822 parsing, format tokens), on top of a `Date` whose local time zone is the
// workflow time zone.
//
// Natives provided by the host (template/moment.rs):
//   __wf_offset(ms)    -> minutes east of UTC of the workflow zone at instant `ms`
//   __wf_local(ms)     -> instant of the local wall time `ms` (wall fields encoded as UTC)
//   __wf_abbrev(ms)    -> zone abbreviation at `ms`
//   __wf_now           -> "now" in epoch milliseconds
(function (g) {
  'use strict';
  var NativeDate = g.Date;
  var offsetAt = g.__wf_offset, localToUtc = g.__wf_local, abbrevAt = g.__wf_abbrev;
  var NOW = g.__wf_now;
  var P = NativeDate.prototype;
  var utcGet = {
    FullYear: P.getUTCFullYear, Month: P.getUTCMonth, Date: P.getUTCDate, Day: P.getUTCDay,
    Hours: P.getUTCHours, Minutes: P.getUTCMinutes, Seconds: P.getUTCSeconds,
    Milliseconds: P.getUTCMilliseconds
  };
  var utcSet = {
    FullYear: P.setUTCFullYear, Month: P.setUTCMonth, Date: P.setUTCDate, Hours: P.setUTCHours,
    Minutes: P.setUTCMinutes, Seconds: P.setUTCSeconds, Milliseconds: P.setUTCMilliseconds
  };
  var getTime = P.getTime, setTime = P.setTime, nativeParse = NativeDate.parse;
  var nativeUTC = NativeDate.UTC;
  var DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
  var MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August',
    'September', 'October', 'November', 'December'];

  function pad(n, w) {
    var s = '' + Math.abs(n);
    while (s.length < w) s = '0' + s;
    return (n < 0 ? '-' : '') + s;
  }

  // ---- Date: local time = the workflow time zone; "now" = the injected clock.
  function localOf(t) { return t + offsetAt(t) * 60000; }
  function fromLocal(l) { return isNaN(l) ? NaN : localToUtc(l); }
  function timeClip(t) { return (isFinite(t) && Math.abs(t) <= 8.64e15) ? (t - t % 1) + 0 : NaN; }

  function parseDate(s) {
    s = String(s);
    // ES date-time forms without an offset are local time; date-only forms are UTC.
    var m = /^([+-]\d{6}|\d{4})(?:-(\d\d)(?:-(\d\d))?)?T(\d\d):(\d\d)(?::(\d\d)(?:\.(\d{1,3})\d*)?)?$/.exec(s);
    if (m) {
      var l = nativeUTC(+m[1], m[2] ? m[2] - 1 : 0, m[3] ? +m[3] : 1, +m[4], +m[5],
        m[6] ? +m[6] : 0, m[7] ? +(m[7] + '00').slice(0, 3) : 0);
      return fromLocal(l);
    }
    var t = nativeParse(s);
    if (isNaN(t)) return t;
    // Strings with an explicit zone parse the same whatever the local zone is; others are
    // local time: parse as UTC, then shift.
    if (/(Z|UTC|GMT|UT|[+-]\d\d:?\d\d)\s*(\(.*\))?\s*$/i.test(s) || /^([+-]\d{6}|\d{4})(-\d\d(-\d\d)?)?$/.test(s)) {
      return t;
    }
    var u = nativeParse(s + ' GMT');
    return isNaN(u) ? t : fromLocal(u);
  }

  function WfDate(a, b, c, d, e, f, h) {
    var n = arguments.length, t;
    if (!(this instanceof WfDate)) return new WfDate(NOW).toString();
    if (n === 0) {
      t = NOW;
    } else if (n === 1) {
      if (a instanceof NativeDate) {
        t = getTime.call(a);
      } else {
        var v = (a !== null && typeof a === 'object') ? (typeof a.valueOf === 'function' ? a.valueOf() : String(a)) : a;
        if (v !== null && typeof v === 'object') v = String(v);
        t = typeof v === 'string' ? parseDate(v) : Number(v);
      }
    } else {
      var y = Number(a);
      if (!isNaN(y)) { var yi = y - y % 1; if (yi >= 0 && yi <= 99) y = 1900 + yi; }
      t = fromLocal(nativeUTC(y, Number(b), n > 2 ? Number(c) : 1, n > 3 ? Number(d) : 0,
        n > 4 ? Number(e) : 0, n > 5 ? Number(f) : 0, n > 6 ? Number(h) : 0));
    }
    return new NativeDate(timeClip(t));
  }
  WfDate.prototype = P;
  WfDate.UTC = nativeUTC;
  WfDate.parse = function (s) { return timeClip(parseDate(s)); };
  WfDate.now = function () { return NOW; };
  try { Object.defineProperty(P, 'constructor', { value: WfDate, writable: true, configurable: true }); } catch (ignore) { /* keep */ }

  function localGetter(name) {
    var get = utcGet[name];
    return function () {
      var t = getTime.call(this);
      if (isNaN(t)) return NaN;
      return get.call(new NativeDate(localOf(t)));
    };
  }
  function localSetter(name) {
    var set = utcSet[name];
    return function () {
      var t = getTime.call(this);
      var tmp = new NativeDate(isNaN(t) ? NaN : localOf(t));
      if (isNaN(t) && name === 'FullYear') tmp = new NativeDate(0);
      set.apply(tmp, arguments);
      return setTime.call(this, timeClip(fromLocal(getTime.call(tmp))));
    };
  }
  var key;
  for (key in utcGet) if (Object.prototype.hasOwnProperty.call(utcGet, key)) P['get' + key] = localGetter(key);
  for (key in utcSet) if (Object.prototype.hasOwnProperty.call(utcSet, key)) P['set' + key] = localSetter(key);
  P.getTimezoneOffset = function () {
    var t = getTime.call(this);
    return isNaN(t) ? NaN : -offsetAt(t);
  };
  function zoneSuffix(t) {
    var o = offsetAt(t), a = Math.abs(o);
    return 'GMT' + (o < 0 ? '-' : '+') + pad(Math.floor(a / 60), 2) + pad(a % 60, 2) + ' (' + abbrevAt(t) + ')';
  }
  function datePart(t) {
    var l = new NativeDate(localOf(t));
    var y = utcGet.FullYear.call(l);
    return DAYS[utcGet.Day.call(l)].slice(0, 3) + ' ' + MONTHS[utcGet.Month.call(l)].slice(0, 3) + ' ' +
      pad(utcGet.Date.call(l), 2) + ' ' + (y < 0 ? '-' + pad(-y, 6) : pad(y, 4));
  }
  function timePart(t) {
    var l = new NativeDate(localOf(t));
    return pad(utcGet.Hours.call(l), 2) + ':' + pad(utcGet.Minutes.call(l), 2) + ':' +
      pad(utcGet.Seconds.call(l), 2) + ' ' + zoneSuffix(t);
  }
  P.toString = function () {
    var t = getTime.call(this);
    return isNaN(t) ? 'Invalid Date' : datePart(t) + ' ' + timePart(t);
  };
  P.toDateString = function () {
    var t = getTime.call(this);
    return isNaN(t) ? 'Invalid Date' : datePart(t);
  };
  P.toTimeString = function () {
    var t = getTime.call(this);
    return isNaN(t) ? 'Invalid Date' : timePart(t);
  };
  P.toLocaleString = P.toString;
  P.toLocaleDateString = P.toDateString;
  P.toLocaleTimeString = P.toTimeString;
  g.Date = WfDate;
  var Date = WfDate;

  // ---- moment

  function isUndefined(x) { return x === void 0; }
  function isNumber(x) { return typeof x === 'number' || Object.prototype.toString.call(x) === '[object Number]'; }
  function isDate(x) { return x instanceof NativeDate || Object.prototype.toString.call(x) === '[object Date]'; }
  function isArray(x) { return Object.prototype.toString.call(x) === '[object Array]'; }
  function isObject(x) { return x != null && Object.prototype.toString.call(x) === '[object Object]'; }
  function isFunction(x) { return typeof x === 'function'; }
  function toInt(x) { var n = +x; return n !== 0 && isFinite(n) ? (n >= 0 ? Math.floor(n) : Math.ceil(n)) : 0; }
  function absFloor(n) { return n < 0 ? (Math.ceil(n) || 0) : Math.floor(n); }
  function absRound(n) { return n < 0 ? Math.round(-1 * n) * -1 : Math.round(n); }
  function zeroFill(number, len, forceSign) {
    var abs = '' + Math.abs(number), fill = len - abs.length;
    return (number >= 0 ? (forceSign ? '+' : '') : '-') + Math.pow(10, Math.max(0, fill)).toString().substr(1) + abs;
  }
  function isLeapYear(y) { return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0; }
  function daysInYear(y) { return isLeapYear(y) ? 366 : 365; }
  function mod(n, x) { return ((n % x) + x) % x; }
  function daysInMonth(year, month) {
    if (isNaN(year) || isNaN(month)) return NaN;
    var m = mod(month, 12);
    year += (month - m) / 12;
    return m === 1 ? (isLeapYear(year) ? 29 : 28) : (31 - m % 7 % 2);
  }

  var aliases = {};
  function addUnitAlias(unit, short) {
    var lower = unit.toLowerCase();
    aliases[lower] = aliases[lower + 's'] = aliases[short] = unit;
  }
  addUnitAlias('year', 'y'); addUnitAlias('month', 'M'); addUnitAlias('week', 'w');
  addUnitAlias('isoWeek', 'W'); addUnitAlias('day', 'd'); addUnitAlias('weekday', 'e');
  addUnitAlias('isoWeekday', 'E'); addUnitAlias('hour', 'h'); addUnitAlias('weekYear', 'gg');
  addUnitAlias('isoWeekYear', 'GG'); addUnitAlias('quarter', 'Q'); addUnitAlias('date', 'D');
  addUnitAlias('dayOfYear', 'DDD'); addUnitAlias('minute', 'm'); addUnitAlias('second', 's');
  addUnitAlias('millisecond', 'ms');
  function normalizeUnits(u) {
    return typeof u === 'string' ? aliases[u] || aliases[u.toLowerCase()] : undefined;
  }
  function normalizeObjectUnits(o) {
    var out = {}, k, n;
    for (k in o) {
      if (Object.prototype.hasOwnProperty.call(o, k)) {
        n = normalizeUnits(k);
        if (n) out[n] = o[k];
      }
    }
    return out;
  }
  var priorities = { year: 1, month: 8, week: 5, isoWeek: 5, day: 11, weekday: 11, isoWeekday: 11,
    hour: 13, weekYear: 1, isoWeekYear: 1, quarter: 7, date: 9, dayOfYear: 4, minute: 14,
    second: 15, millisecond: 16 };

  // ---- locale en
  var locale = {
    months: MONTHS,
    monthsShort: MONTHS.map(function (m) { return m.slice(0, 3); }),
    weekdays: DAYS,
    weekdaysShort: DAYS.map(function (d) { return d.slice(0, 3); }),
    weekdaysMin: DAYS.map(function (d) { return d.slice(0, 2); }),
    longDateFormat: { LTS: 'h:mm:ss A', LT: 'h:mm A', L: 'MM/DD/YYYY', LL: 'MMMM D, YYYY',
      LLL: 'MMMM D, YYYY h:mm A', LLLL: 'dddd, MMMM D, YYYY h:mm A' },
    calendar: { sameDay: '[Today at] LT', nextDay: '[Tomorrow at] LT', nextWeek: 'dddd [at] LT',
      lastDay: '[Yesterday at] LT', lastWeek: '[Last] dddd [at] LT', sameElse: 'L' },
    relativeTime: { future: 'in %s', past: '%s ago', s: 'a few seconds', ss: '%d seconds',
      m: 'a minute', mm: '%d minutes', h: 'an hour', hh: '%d hours', d: 'a day', dd: '%d days',
      M: 'a month', MM: '%d months', y: 'a year', yy: '%d years' },
    week: { dow: 0, doy: 6 },
    invalidDate: 'Invalid date'
  };
  function longDateFormat(key) {
    var f = locale.longDateFormat[key], upper = locale.longDateFormat[key.toUpperCase()];
    if (f || !upper) return f;
    return upper.replace(/MMMM|MM|DD|dddd/g, function (v) { return v.slice(1); });
  }
  function ordinal(n) {
    var b = n % 10;
    var out = (toInt(n % 100 / 10) === 1) ? 'th' : b === 1 ? 'st' : b === 2 ? 'nd' : b === 3 ? 'rd' : 'th';
    return n + out;
  }
  function meridiem(hours, minutes, lower) {
    if (hours > 11) return lower ? 'pm' : 'PM';
    return lower ? 'am' : 'AM';
  }
  var localeData = {
    months: function (m) { return m ? MONTHS[m.month()] : MONTHS.slice(); },
    monthsShort: function (m) { return m ? locale.monthsShort[m.month()] : locale.monthsShort.slice(); },
    weekdays: function (m) { return m ? DAYS[m.day()] : DAYS.slice(); },
    weekdaysShort: function (m) { return m ? locale.weekdaysShort[m.day()] : locale.weekdaysShort.slice(); },
    weekdaysMin: function (m) { return m ? locale.weekdaysMin[m.day()] : locale.weekdaysMin.slice(); },
    longDateFormat: longDateFormat,
    ordinal: ordinal,
    meridiem: meridiem,
    isPM: function (input) { return ('' + input).toLowerCase().charAt(0) === 'p'; },
    firstDayOfWeek: function () { return locale.week.dow; },
    firstDayOfYear: function () { return locale.week.doy; },
    invalidDate: function () { return locale.invalidDate; }
  };

  // ---- Moment objects
  function Moment(config) {
    this._isAMomentObject = true;
    this._i = config._i;
    this._f = config._f;
    this._isUTC = !!config._isUTC;
    this._offset = config._offset;
    this._tzm = config._tzm;
    this._d = new NativeDate(config._d != null ? getTime.call(config._d) : NaN);
    this._isValid = config._isValid !== false && !isNaN(getTime.call(this._d));
  }
  function isMoment(obj) { return obj instanceof Moment || (obj != null && obj._isAMomentObject != null); }

  function cloneConfig(m) {
    return { _i: m._i, _f: m._f, _isUTC: m._isUTC, _offset: m._offset, _tzm: m._tzm, _d: m._d,
      _isValid: m._isValid };
  }

  function get(m, unit) {
    return m.isValid() ? m._d[(m._isUTC ? 'getUTC' : 'get') + unit]() : NaN;
  }
  function set(m, unit, value) {
    if (m.isValid() && !isNaN(value)) {
      if (unit === 'FullYear' && isLeapYear(m.year()) && m.month() === 1 && m.date() === 29) {
        m._d[(m._isUTC ? 'setUTC' : 'set') + unit](value, m.month(), daysInMonth(value, m.month()));
      } else {
        m._d[(m._isUTC ? 'setUTC' : 'set') + unit](value);
      }
    }
  }
  function makeGetSet(unit) {
    return function (value) {
      if (value != null) {
        set(this, unit, value);
        return this;
      }
      return get(this, unit);
    };
  }
  function setMonth(m, value) {
    if (!m.isValid()) return m;
    if (typeof value === 'string') {
      if (/^\d+$/.test(value)) {
        value = toInt(value);
      } else {
        value = monthsParse(value);
        if (!isNumber(value)) return m;
      }
    }
    var dayOfMonth = Math.min(m.date(), daysInMonth(m.year(), value));
    m._d[(m._isUTC ? 'setUTC' : 'set') + 'Month'](value, dayOfMonth);
    return m;
  }
  function monthsParse(name) {
    var s = String(name).toLowerCase();
    for (var i = 0; i < 12; i++) {
      if (MONTHS[i].toLowerCase() === s || MONTHS[i].slice(0, 3).toLowerCase() === s) return i;
    }
    return undefined;
  }
  function weekdaysParse(name) {
    var s = String(name).toLowerCase();
    for (var i = 0; i < 7; i++) {
      if (DAYS[i].toLowerCase() === s || DAYS[i].slice(0, 3).toLowerCase() === s || DAYS[i].slice(0, 2).toLowerCase() === s) return i;
    }
    return undefined;
  }

  function createUTCDate(y) {
    var d = new NativeDate(nativeUTC.apply(null, arguments));
    if (y < 100 && y >= 0 && isFinite(d.getUTCFullYear())) d.setUTCFullYear(y);
    return d;
  }
  function createDate(y, m, d, h, M, s, ms) {
    var date = new Date(y, m, d, h, M, s, ms);
    if (y < 100 && y >= 0 && isFinite(date.getFullYear())) date.setFullYear(y);
    return date;
  }

  // weeks
  function firstWeekOffset(year, dow, doy) {
    var fwd = 7 + dow - doy, fwdlw = (7 + createUTCDate(year, 0, fwd).getUTCDay() - dow) % 7;
    return -fwdlw + fwd - 1;
  }
  function dayOfYearFromWeeks(year, week, weekday, dow, doy) {
    var localWeekday = (7 + weekday - dow) % 7, weekOffset = firstWeekOffset(year, dow, doy),
      dayOfYear = 1 + 7 * (week - 1) + localWeekday + weekOffset, resYear, resDayOfYear;
    if (dayOfYear <= 0) {
      resYear = year - 1; resDayOfYear = daysInYear(resYear) + dayOfYear;
    } else if (dayOfYear > daysInYear(year)) {
      resYear = year + 1; resDayOfYear = dayOfYear - daysInYear(year);
    } else {
      resYear = year; resDayOfYear = dayOfYear;
    }
    return { year: resYear, dayOfYear: resDayOfYear };
  }
  function weeksInYear(year, dow, doy) {
    return (daysInYear(year) - firstWeekOffset(year, dow, doy) + firstWeekOffset(year + 1, dow, doy)) / 7;
  }
  function weekOfYear(m, dow, doy) {
    var weekOffset = firstWeekOffset(m.year(), dow, doy),
      week = Math.floor((m.dayOfYear() - weekOffset - 1) / 7) + 1, resWeek, resYear;
    if (week < 1) {
      resYear = m.year() - 1; resWeek = week + weeksInYear(resYear, dow, doy);
    } else if (week > weeksInYear(m.year(), dow, doy)) {
      resWeek = week - weeksInYear(m.year(), dow, doy); resYear = m.year() + 1;
    } else {
      resYear = m.year(); resWeek = week;
    }
    return { week: resWeek, year: resYear };
  }
  function setWeekAll(m, weekYear, week, weekday, dow, doy) {
    var dayOfYearData = dayOfYearFromWeeks(weekYear, week, weekday, dow, doy),
      date = createUTCDate(dayOfYearData.year, 0, dayOfYearData.dayOfYear);
    m.year(date.getUTCFullYear());
    m.month(date.getUTCMonth());
    m.date(date.getUTCDate());
    return m;
  }
  function getSetWeekYearHelper(m, input, week, weekday, dow, doy) {
    var weeksTarget;
    if (input == null) return weekOfYear(m, dow, doy).year;
    weeksTarget = weeksInYear(input, dow, doy);
    if (week > weeksTarget) week = weeksTarget;
    return setWeekAll(m, input, week, weekday, dow, doy);
  }

  // ---- durations
  function Duration(d) {
    var n = normalizeObjectUnits(d);
    var years = n.year || 0, quarters = n.quarter || 0, months = n.month || 0, weeks = n.week || 0,
      days = n.day || 0, hours = n.hour || 0, minutes = n.minute || 0, seconds = n.second || 0,
      ms = n.millisecond || 0;
    this._isValid = true;
    for (var k in d) {
      if (Object.prototype.hasOwnProperty.call(d, k) && d[k] != null && isNaN(d[k])) this._isValid = false;
    }
    this._milliseconds = +ms + seconds * 1e3 + minutes * 6e4 + hours * 1000 * 60 * 60;
    this._days = +days + weeks * 7;
    this._months = +months + quarters * 3 + years * 12;
  }
  function isDuration(o) { return o instanceof Duration; }
  var isoDurationRegex = /^(-|\+)?P(?:([-+]?[0-9,.]*)Y)?(?:([-+]?[0-9,.]*)M)?(?:([-+]?[0-9,.]*)W)?(?:([-+]?[0-9,.]*)D)?(?:T(?:([-+]?[0-9,.]*)H)?(?:([-+]?[0-9,.]*)M)?(?:([-+]?[0-9,.]*)S)?)?$/;
  var aspNetRegex = /^(\-|\+)?(?:(\d*)[. ])?(\d+)\:(\d+)(?:\:(\d+)(\.\d*)?)?$/;
  function parseIso(inp, sign) {
    var res = inp && parseFloat(inp.replace(',', '.'));
    return (isNaN(res) ? 0 : res) * sign;
  }
  function createDuration(input, key) {
    var duration = input, match, sign;
    if (isDuration(input)) {
      duration = { ms: input._milliseconds, d: input._days, M: input._months };
    } else if (isNumber(input)) {
      duration = {};
      if (key) duration[key] = input; else duration.milliseconds = input;
    } else if (typeof input === 'string' && (match = aspNetRegex.exec(input))) {
      sign = match[1] === '-' ? -1 : 1;
      duration = { y: 0, d: toInt(match[2]) * sign, h: toInt(match[3]) * sign, m: toInt(match[4]) * sign,
        s: toInt(match[5]) * sign, ms: toInt(absRound(match[6] * 1000)) * sign };
    } else if (typeof input === 'string' && (match = isoDurationRegex.exec(input))) {
      sign = match[1] === '-' ? -1 : 1;
      duration = { y: parseIso(match[2], sign), M: parseIso(match[3], sign), w: parseIso(match[4], sign),
        d: parseIso(match[5], sign), h: parseIso(match[6], sign), m: parseIso(match[7], sign),
        s: parseIso(match[8], sign) };
    } else if (duration == null) {
      duration = {};
    } else if (typeof duration === 'object' && ('from' in duration || 'to' in duration)) {
      var dr = momentsDifference(createLocalMoment(duration.from), createLocalMoment(duration.to));
      duration = { ms: dr.milliseconds, M: dr.months };
    } else if (typeof duration !== 'object') {
      duration = {};
    }
    return new Duration(duration);
  }
  Duration.prototype.isValid = function () { return this._isValid; };
  Duration.prototype.valueOf = function () {
    return this._milliseconds + this._days * 864e5 + (this._months % 12) * 2592e6 + toInt(this._months / 12) * 31536e6;
  };
  Duration.prototype.as = function (units) {
    units = normalizeUnits(units);
    var days, months, ms = this._milliseconds;
    if (units === 'month' || units === 'year') {
      days = this._days + ms / 864e5;
      months = this._months + days * 4800 / 146097;
      return units === 'month' ? months : months / 12;
    }
    days = this._days + Math.round(this._months * 146097 / 4800);
    switch (units) {
      case 'week': return days / 7 + ms / 6048e5;
      case 'day': return days + ms / 864e5;
      case 'hour': return days * 24 + ms / 36e5;
      case 'minute': return days * 1440 + ms / 6e4;
      case 'second': return days * 86400 + ms / 1000;
      case 'millisecond': return Math.floor(days * 864e5) + ms;
      default: throw new Error('Unknown unit ' + units);
    }
  };
  ['Milliseconds', 'Seconds', 'Minutes', 'Hours', 'Days', 'Weeks', 'Months', 'Years'].forEach(function (u) {
    Duration.prototype['as' + u] = function () { return this.as(u.toLowerCase()); };
  });

  // ---- parsing
  var match1 = /\d/, match2 = /\d\d/, match3 = /\d{3}/, match4 = /\d{4}/, match6 = /[+-]?\d{6}/,
    match1to2 = /\d\d?/, match3to4 = /\d\d\d\d?/, match5to6 = /\d\d\d\d\d\d?/, match1to3 = /\d{1,3}/,
    match1to4 = /\d{1,4}/, match1to6 = /[+-]?\d{1,6}/, matchUnsigned = /\d+/, matchSigned = /[+-]?\d+/,
    matchShortOffset = /Z|[+-]\d\d(?::?\d\d)?/gi, matchTimestamp = /[+-]?\d+(\.\d{1,3})?/,
    matchWord = /[0-9]{0,256}['a-z\u00A0-\u05FF\u0700-\uD7FF\uF900-\uFDCF\uFDF0-\uFF07\uFF10-\uFFEF]{1,256}|[\u0600-\u06FF\/]{1,256}(\s*?[\u0600-\u06FF]{1,256}){1,2}/i;
  var YEAR = 0, MONTH = 1, DATE = 2, HOUR = 3, MINUTE = 4, SECOND = 5, MILLISECOND = 6;
  var regexes = {}, parseTokens = {};
  function addRegexToken(token, regex, strictRegex) {
    regexes[token] = { loose: regex, strict: strictRegex || regex };
  }
  function addParseToken(tokens, callback) {
    if (typeof tokens === 'string') tokens = [tokens];
    var func = callback;
    if (isNumber(callback)) func = function (input, array) { array[callback] = toInt(input); };
    for (var i = 0; i < tokens.length; i++) parseTokens[tokens[i]] = func;
  }
  function addWeekParseToken(tokens, callback) {
    addParseToken(tokens, function (input, array, config, token) {
      config._w = config._w || {};
      callback(input, config._w, config, token);
    });
  }
  addRegexToken('Y', matchSigned); addRegexToken('YY', match1to2, match2);
  addRegexToken('YYYY', match1to4, match4); addRegexToken('YYYYY', match1to6, match6);
  addRegexToken('YYYYYY', match1to6, match6);
  addParseToken(['YYYYY', 'YYYYYY'], YEAR);
  addParseToken('YYYY', function (input, array) { array[YEAR] = input.length === 2 ? parseTwoDigitYear(input) : toInt(input); });
  addParseToken('YY', function (input, array) { array[YEAR] = parseTwoDigitYear(input); });
  addParseToken('Y', function (input, array) { array[YEAR] = parseInt(input, 10); });
  function parseTwoDigitYear(input) { return toInt(input) + (toInt(input) > 68 ? 1900 : 2000); }
  addRegexToken('M', match1to2); addRegexToken('MM', match1to2, match2);
  addRegexToken('MMM', matchWord); addRegexToken('MMMM', matchWord);
  addParseToken(['M', 'MM'], function (input, array) { array[MONTH] = toInt(input) - 1; });
  addParseToken(['MMM', 'MMMM'], function (input, array, config) {
    var month = monthsParse(input);
    if (month != null) array[MONTH] = month; else config._invalid = true;
  });
  addRegexToken('D', match1to2); addRegexToken('DD', match1to2, match2);
  addRegexToken('Do', /\d{1,2}(th|st|nd|rd)|\d{1,2}/);
  addParseToken(['D', 'DD'], DATE);
  addParseToken('Do', function (input, array) { array[DATE] = toInt(input.match(match1to2)[0]); });
  addRegexToken('DDD', match1to3); addRegexToken('DDDD', match3);
  addParseToken(['DDD', 'DDDD'], function (input, array, config) { config._dayOfYear = toInt(input); });
  addRegexToken('H', match1to2); addRegexToken('HH', match1to2, match2);
  addRegexToken('h', match1to2); addRegexToken('hh', match1to2, match2);
  addRegexToken('k', match1to2); addRegexToken('kk', match1to2, match2);
  addRegexToken('a', /[ap]\.?m?\.?/i); addRegexToken('A', /[ap]\.?m?\.?/i);
  addParseToken(['H', 'HH'], HOUR);
  addParseToken(['k', 'kk'], function (input, array) { var k = toInt(input); array[HOUR] = k === 24 ? 0 : k; });
  addParseToken(['a', 'A'], function (input, array, config) { config._meridiem = input; });
  addParseToken(['h', 'hh'], function (input, array, config) { array[HOUR] = toInt(input); config._bigHour = true; });
  addRegexToken('m', match1to2); addRegexToken('mm', match1to2, match2);
  addParseToken(['m', 'mm'], MINUTE);
  addRegexToken('s', match1to2); addRegexToken('ss', match1to2, match2);
  addParseToken(['s', 'ss'], SECOND);
  addRegexToken('S', match1to3, match1); addRegexToken('SS', match1to3, match2);
  addRegexToken('SSS', match1to3, match3);
  (function () {
    var token;
    for (token = 'SSSS'; token.length <= 9; token += 'S') addRegexToken(token, matchUnsigned);
    for (token = 'S'; token.length <= 9; token += 'S') {
      addParseToken(token, function (input, array) { array[MILLISECOND] = toInt(('0.' + input) * 1000); });
    }
  })();
  addRegexToken('Z', matchShortOffset); addRegexToken('ZZ', matchShortOffset);
  addParseToken(['Z', 'ZZ'], function (input, array, config) {
    config._useUTC = true;
    config._tzm = offsetFromString(matchShortOffset, input);
  });
  addRegexToken('x', matchSigned); addRegexToken('X', matchTimestamp);
  addParseToken('X', function (input, array, config) { config._d = new NativeDate(parseFloat(input, 10) * 1000); });
  addParseToken('x', function (input, array, config) { config._d = new NativeDate(toInt(input)); });
  addRegexToken('Q', match1);
  addParseToken('Q', function (input, array) { array[MONTH] = (toInt(input) - 1) * 3; });
  addRegexToken('w', match1to2); addRegexToken('ww', match1to2, match2);
  addRegexToken('W', match1to2); addRegexToken('WW', match1to2, match2);
  addWeekParseToken(['w', 'ww', 'W', 'WW'], function (input, week, config, token) { week[token.substr(0, 1)] = toInt(input); });
  addRegexToken('gggg', match1to4, match4); addRegexToken('GGGG', match1to4, match4);
  addRegexToken('ggggg', match1to6, match6); addRegexToken('GGGGG', match1to6, match6);
  addRegexToken('gg', match1to2, match2); addRegexToken('GG', match1to2, match2);
  addWeekParseToken(['gggg', 'ggggg', 'GGGG', 'GGGGG'], function (input, week, config, token) { week[token.substr(0, 2)] = toInt(input); });
  addWeekParseToken(['gg', 'GG'], function (input, week, config, token) { week[token] = parseTwoDigitYear(input); });
  addRegexToken('d', match1to2); addRegexToken('e', match1to2); addRegexToken('E', match1to2);
  addRegexToken('dd', matchWord); addRegexToken('ddd', matchWord); addRegexToken('dddd', matchWord);
  addWeekParseToken(['dd', 'ddd', 'dddd'], function (input, week, config) {
    var wd = weekdaysParse(input);
    if (wd != null) week.d = wd; else config._invalid = true;
  });
  addWeekParseToken(['d', 'e', 'E'], function (input, week, config, token) { week[token] = toInt(input); });

  function offsetFromString(matcher, string) {
    var matches = (string || '').match(matcher);
    if (matches === null) return null;
    var chunk = matches[matches.length - 1] || [];
    var parts = (chunk + '').match(/([\+\-]|\d\d)/gi) || ['-', 0, 0];
    var minutes = +(parts[1] * 60) + toInt(parts[2]);
    return minutes === 0 ? 0 : parts[0] === '+' ? minutes : -minutes;
  }

  var formattingTokens = /(\[[^\[]*\])|(\\)?([Hh]mm(ss)?|Mo|MM?M?M?|Do|DDDo|DD?D?D?|ddd?d?|do?|w[o|w]?|W[o|W]?|Qo?|YYYYYY|YYYYY|YYYY|YY|gg(ggg?)?|GG(GGG?)?|e|E|a|A|hh?|HH?|kk?|mm?|ss?|S{1,9}|x|X|zz?|ZZ?|.)/g;
  var localFormattingTokens = /(\[[^\[]*\])|(\\)?(LTS|LT|LL?L?L?|l{1,4})/g;
  function expandFormat(format) {
    var i = 5;
    localFormattingTokens.lastIndex = 0;
    while (i >= 0 && localFormattingTokens.test(format)) {
      format = format.replace(localFormattingTokens, function (input) { return longDateFormat(input) || input; });
      localFormattingTokens.lastIndex = 0;
      i -= 1;
    }
    return format;
  }
  function regexEscape(s) { return s.replace(/[-\/\\^$*+?.()|[\]{}]/g, '\\$&'); }
  function unescapeFormat(s) {
    return regexEscape(s.replace('\\', '').replace(/\\(\[)|\\(\])|\[([^\]\[]*)\]|\\(.)/g, function (m, p1, p2, p3, p4) {
      return p1 || p2 || p3 || p4;
    }));
  }
  function getParseRegexForToken(token, config) {
    if (!Object.prototype.hasOwnProperty.call(regexes, token)) return new RegExp(unescapeFormat(token));
    var r = regexes[token];
    return config._strict ? r.strict : r.loose;
  }

  function configFromStringAndFormat(config) {
    if (config._f === hooks.ISO_8601) { configFromISO(config); return; }
    if (config._f === hooks.RFC_2822) { configFromRFC2822(config); return; }
    config._a = [];
    var string = '' + config._i, i, parsedInput, tokens, token, skipped, stringLength = string.length,
      totalParsedInputLength = 0, unusedTokens = 0;
    tokens = expandFormat(config._f).match(formattingTokens) || [];
    for (i = 0; i < tokens.length; i++) {
      token = tokens[i];
      parsedInput = (string.match(getParseRegexForToken(token, config)) || [])[0];
      if (parsedInput) {
        skipped = string.substr(0, string.indexOf(parsedInput));
        if (skipped.length > 0 && config._strict) config._invalid = true;
        string = string.slice(string.indexOf(parsedInput) + parsedInput.length);
        totalParsedInputLength += parsedInput.length;
      }
      if (Object.prototype.hasOwnProperty.call(formatTokenFunctions, token)) {
        if (parsedInput) {
          if (Object.prototype.hasOwnProperty.call(parseTokens, token)) parseTokens[token](parsedInput, config._a, config, token);
        } else {
          unusedTokens++;
          if (config._strict) config._invalid = true;
        }
      } else if (config._strict && !parsedInput) {
        config._invalid = true;
      }
    }
    config._charsLeftOver = stringLength - totalParsedInputLength;
    if (string.length > 0 && config._strict) config._invalid = true;
    if (config._a[HOUR] <= 12 && config._bigHour === true && config._a[HOUR] > 0) config._bigHour = undefined;
    if (config._meridiem != null) {
      var isPm = localeData.isPM(config._meridiem), hour = config._a[HOUR];
      if (hour != null) {
        if (isPm && hour < 12) hour += 12;
        if (!isPm && hour === 12) hour = 0;
        config._a[HOUR] = hour;
      }
    }
    configFromArray(config);
    checkOverflow(config);
  }

  function checkOverflow(config) {
    var a = config._a;
    if (a && !config._invalid) {
      var overflow =
        a[MONTH] < 0 || a[MONTH] > 11 ? MONTH :
        a[DATE] < 1 || a[DATE] > daysInMonth(a[YEAR], a[MONTH]) ? DATE :
        a[HOUR] < 0 || a[HOUR] > 24 || (a[HOUR] === 24 && (a[MINUTE] !== 0 || a[SECOND] !== 0 || a[MILLISECOND] !== 0)) ? HOUR :
        a[MINUTE] < 0 || a[MINUTE] > 59 ? MINUTE :
        a[SECOND] < 0 || a[SECOND] > 59 ? SECOND :
        a[MILLISECOND] < 0 || a[MILLISECOND] > 999 ? MILLISECOND : -1;
      if (config._overflowDayOfYear && (overflow < YEAR || overflow > DATE)) overflow = DATE;
      if (config._overflowWeeks && overflow === -1) overflow = 7;
      if (config._overflowWeekday && overflow === -1) overflow = 8;
      if (overflow !== -1) config._invalid = true;
    }
    return config;
  }

  function currentDateArray(config) {
    var nowValue = new NativeDate(NOW);
    if (config._useUTC) return [nowValue.getUTCFullYear(), nowValue.getUTCMonth(), nowValue.getUTCDate()];
    return [nowValue.getFullYear(), nowValue.getMonth(), nowValue.getDate()];
  }
  function defaults(a, b, c) { return a != null ? a : b != null ? b : c; }

  function dayOfYearFromWeekInfo(config) {
    var w = config._w, weekYear, week, weekday, dow, doy, temp, weekdayOverflow;
    if (w.GG != null || w.W != null || w.E != null) {
      dow = 1; doy = 4;
      var cur = weekOfYear(createLocalMoment(), 1, 4);
      weekYear = defaults(w.GG, config._a[YEAR], cur.year);
      week = defaults(w.W, 1);
      weekday = defaults(w.E, 1);
      if (weekday < 1 || weekday > 7) weekdayOverflow = true;
    } else {
      dow = locale.week.dow; doy = locale.week.doy;
      var curWeek = weekOfYear(createLocalMoment(), dow, doy);
      weekYear = defaults(w.gg, config._a[YEAR], curWeek.year);
      week = defaults(w.w, curWeek.week);
      if (w.d != null) {
        weekday = w.d;
        if (weekday < 0 || weekday > 6) weekdayOverflow = true;
      } else if (w.e != null) {
        weekday = w.e + dow;
        if (w.e < 0 || w.e > 6) weekdayOverflow = true;
      } else {
        weekday = dow;
      }
    }
    if (week < 1 || week > weeksInYear(weekYear, dow, doy)) {
      config._overflowWeeks = true;
    } else if (weekdayOverflow != null) {
      config._overflowWeekday = true;
    } else {
      temp = dayOfYearFromWeeks(weekYear, week, weekday, dow, doy);
      config._a[YEAR] = temp.year;
      config._dayOfYear = temp.dayOfYear;
    }
  }

  function configFromArray(config) {
    var i, input = [], currentDate, yearToUse;
    if (config._d) return;
    currentDate = currentDateArray(config);
    if (config._w && config._a[DATE] == null && config._a[MONTH] == null) dayOfYearFromWeekInfo(config);
    if (config._dayOfYear != null) {
      yearToUse = defaults(config._a[YEAR], currentDate[YEAR]);
      if (config._dayOfYear > daysInYear(yearToUse) || config._dayOfYear === 0) config._overflowDayOfYear = true;
      var date = createUTCDate(yearToUse, 0, config._dayOfYear);
      config._a[MONTH] = date.getUTCMonth();
      config._a[DATE] = date.getUTCDate();
    }
    for (i = 0; i < 3 && config._a[i] == null; ++i) config._a[i] = input[i] = currentDate[i];
    for (; i < 7; i++) config._a[i] = input[i] = (config._a[i] == null) ? (i === 2 ? 1 : 0) : config._a[i];
    if (config._a[HOUR] === 24 && config._a[MINUTE] === 0 && config._a[SECOND] === 0 && config._a[MILLISECOND] === 0) {
      config._nextDay = true;
      config._a[HOUR] = 0;
    }
    config._d = (config._useUTC ? createUTCDate : createDate).apply(null, input);
    if (config._tzm != null) config._d.setUTCMinutes(config._d.getUTCMinutes() - config._tzm);
    if (config._nextDay) config._a[HOUR] = 24;
  }

  var extendedIsoRegex = /^\s*((?:[+-]\d{6}|\d{4})-(?:\d\d-\d\d|W\d\d-\d|W\d\d|\d\d\d|\d\d))(?:(T| )(\d\d(?::\d\d(?::\d\d(?:[.,]\d+)?)?)?)([\+\-]\d\d(?::?\d\d)?|\s*Z)?)?$/;
  var basicIsoRegex = /^\s*((?:[+-]\d{6}|\d{4})(?:\d\d\d\d|W\d\d\d|W\d\d|\d\d\d|\d\d))(?:(T| )(\d\d(?:\d\d(?:\d\d(?:[.,]\d+)?)?)?)([\+\-]\d\d(?::?\d\d)?|\s*Z)?)?$/;
  var tzRegex = /Z|[+-]\d\d(?::?\d\d)?/;
  var isoDates = [
    ['YYYYYY-MM-DD', /[+-]\d{6}-\d\d-\d\d/], ['YYYY-MM-DD', /\d{4}-\d\d-\d\d/],
    ['GGGG-[W]WW-E', /\d{4}-W\d\d-\d/], ['GGGG-[W]WW', /\d{4}-W\d\d/, false],
    ['YYYY-DDD', /\d{4}-\d{3}/], ['YYYY-MM', /\d{4}-\d\d/, false], ['YYYYYYMMDD', /[+-]\d{10}/],
    ['YYYYMMDD', /\d{8}/], ['GGGG[W]WWE', /\d{4}W\d{3}/], ['GGGG[W]WW', /\d{4}W\d{2}/, false],
    ['YYYYDDD', /\d{7}/]
  ];
  var isoTimes = [
    ['HH:mm:ss.SSSS', /\d\d:\d\d:\d\d\.\d+/], ['HH:mm:ss,SSSS', /\d\d:\d\d:\d\d,\d+/],
    ['HH:mm:ss', /\d\d:\d\d:\d\d/], ['HH:mm', /\d\d:\d\d/], ['HHmmss.SSSS', /\d\d\d\d\d\d\.\d+/],
    ['HHmmss,SSSS', /\d\d\d\d\d\d,\d+/], ['HHmmss', /\d\d\d\d\d\d/], ['HHmm', /\d\d\d\d/], ['HH', /\d\d/]
  ];
  function configFromISO(config) {
    var i, string = config._i, match = extendedIsoRegex.exec(string) || basicIsoRegex.exec(string),
      allowTime, dateFormat, timeFormat, tzFormat;
    if (!match) { config._isValid = false; return; }
    for (i = 0; i < isoDates.length; i++) {
      if (isoDates[i][1].exec(match[1])) { dateFormat = isoDates[i][0]; allowTime = isoDates[i][2] !== false; break; }
    }
    if (dateFormat == null) { config._isValid = false; return; }
    if (match[3]) {
      for (i = 0; i < isoTimes.length; i++) {
        if (isoTimes[i][1].exec(match[3])) { timeFormat = (match[2] || ' ') + isoTimes[i][0]; break; }
      }
      if (timeFormat == null) { config._isValid = false; return; }
    }
    if (!allowTime && timeFormat != null) { config._isValid = false; return; }
    if (match[4]) {
      if (tzRegex.exec(match[4])) tzFormat = 'Z'; else { config._isValid = false; return; }
    }
    config._f = dateFormat + (timeFormat || '') + (tzFormat || '');
    configFromStringAndFormat(config);
  }

  var rfc2822 = /^(?:(Mon|Tue|Wed|Thu|Fri|Sat|Sun),?\s)?(\d{1,2})\s(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\s(\d{2,4})\s(\d\d):(\d\d)(?::(\d\d))?\s(?:(UT|GMT|[ECMP][SD]T)|([Zz])|([+-]\d{4}))$/;
  var obsOffsets = { UT: 0, GMT: 0, EDT: -4 * 60, EST: -5 * 60, CDT: -5 * 60, CST: -6 * 60,
    MDT: -6 * 60, MST: -7 * 60, PDT: -7 * 60, PST: -8 * 60 };
  function configFromRFC2822(config) {
    var s = String(config._i).replace(/\([^)]*\)|[\n\t]/g, ' ').replace(/(\s\s+)/g, ' ').replace(/^\s+|\s+$/g, '');
    var match = rfc2822.exec(s);
    if (!match) { config._isValid = false; return; }
    var year = parseInt(match[4], 10);
    year = year <= 49 ? 2000 + year : year <= 999 ? 1900 + year : year;
    var arr = [year, locale.monthsShort.indexOf(match[3]), parseInt(match[2], 10), parseInt(match[5], 10), parseInt(match[6], 10)];
    if (match[7]) arr.push(parseInt(match[7], 10));
    if (match[1]) {
      var provided = locale.weekdaysShort.indexOf(match[1]);
      if (provided !== new Date(arr[0], arr[1], arr[2]).getDay()) {
        // Invalid for good (moment's weekdayMismatch flag), even after the Date fallback.
        config._invalid = true;
        config._isValid = false;
        return;
      }
    }
    config._a = arr;
    if (match[8]) config._tzm = obsOffsets[match[8]];
    else if (match[9]) config._tzm = 0;
    else { var hm = parseInt(match[10], 10), mm = hm % 100; config._tzm = ((hm - mm) / 100) * 60 + mm; }
    config._d = createUTCDate.apply(null, arr);
    config._d.setUTCMinutes(config._d.getUTCMinutes() - config._tzm);
  }

  function configFromString(config) {
    var matched = /^\/?Date\((\-?\d+)/i.exec(config._i);
    if (matched !== null) { config._d = new NativeDate(+matched[1]); return; }
    configFromISO(config);
    if (config._isValid === false) delete config._isValid; else return;
    configFromRFC2822(config);
    if (config._isValid === false) delete config._isValid; else return;
    // Fallback: the engine's Date parser (moment warns; there is no console here).
    config._d = new Date(config._i + (config._useUTC ? ' UTC' : ''));
  }

  function configFromObject(config) {
    var i = normalizeObjectUnits(config._i);
    config._a = [i.year, i.month, i.day || i.date, i.hour, i.minute, i.second, i.millisecond].map(function (o) {
      return o && parseInt(o, 10);
    });
    configFromArray(config);
  }

  function configFromInput(config) {
    var input = config._i;
    if (isUndefined(input)) config._d = new NativeDate(NOW);
    else if (isDate(input)) config._d = new NativeDate(input.valueOf());
    else if (typeof input === 'string') configFromString(config);
    else if (isArray(input)) {
      config._a = input.slice(0).map(function (o) { return parseInt(o, 10); });
      configFromArray(config);
    } else if (isObject(input)) configFromObject(config);
    else if (isNumber(input)) config._d = new NativeDate(input);
    else config._d = new Date(input);
  }

  function configFromStringAndArray(config) {
    var best, bestScore, i, temp, score;
    if (config._f.length === 0) { config._isValid = false; config._d = new NativeDate(NaN); return; }
    for (i = 0; i < config._f.length; i++) {
      temp = { _i: config._i, _f: config._f[i], _useUTC: config._useUTC, _isUTC: config._isUTC, _strict: config._strict };
      configFromStringAndFormat(temp);
      if (!(temp._isValid !== false && !temp._invalid && temp._d && !isNaN(getTime.call(temp._d)))) continue;
      score = temp._charsLeftOver;
      if (bestScore == null || score < bestScore) { bestScore = score; best = temp; }
    }
    var chosen = best || temp;
    for (var k in chosen) if (Object.prototype.hasOwnProperty.call(chosen, k)) config[k] = chosen[k];
  }

  function prepareConfig(config) {
    var input = config._i, format = config._f;
    if (input === null || (format === undefined && input === '')) {
      config._d = new NativeDate(NaN); config._isValid = false; return config;
    }
    if (isMoment(input)) {
      var c = cloneConfig(input);
      c._d = input._d;
      return c;
    } else if (isDate(input)) {
      config._d = input;
    } else if (isArray(format)) {
      configFromStringAndArray(config);
    } else if (format) {
      configFromStringAndFormat(config);
    } else {
      configFromInput(config);
    }
    if (config._isValid === false || config._invalid || !config._d || isNaN(getTime.call(config._d))) {
      config._isValid = false;
      config._d = new NativeDate(NaN);
    }
    return config;
  }

  function createLocalOrUTC(input, format, loc, strict, isUTC) {
    if (loc === true || loc === false) { strict = loc; }
    if ((isObject(input) && Object.keys(input).length === 0) || (isArray(input) && input.length === 0)) input = undefined;
    var c = { _useUTC: isUTC, _isUTC: isUTC, _i: input, _f: format, _strict: strict };
    return new Moment(prepareConfig(c));
  }
  function createLocalMoment(input, format, loc, strict) { return createLocalOrUTC(input, format, loc, strict, false); }
  function createUTC(input, format, loc, strict) { return createLocalOrUTC(input, format, loc, strict, true).utc(); }

  function hooks(input, format, loc, strict) { return createLocalMoment(input, format, loc, strict); }

  // ---- formatting
  var formatTokenFunctions = {};
  function addFormatToken(token, padded, ord, callback) {
    var func = callback;
    if (typeof callback === 'string') func = function () { return this[callback](); };
    if (token) formatTokenFunctions[token] = func;
    if (padded) formatTokenFunctions[padded[0]] = function () { return zeroFill(func.apply(this, arguments), padded[1], padded[2]); };
    if (ord) formatTokenFunctions[ord] = function () { return ordinal(func.apply(this, arguments), token); };
  }
  addFormatToken('Y', 0, 0, function () { var y = this.year(); return y <= 9999 ? '' + y : '+' + y; });
  addFormatToken(0, ['YY', 2], 0, function () { return this.year() % 100; });
  addFormatToken(0, ['YYYY', 4], 0, 'year');
  addFormatToken(0, ['YYYYY', 5], 0, 'year');
  addFormatToken(0, ['YYYYYY', 6, true], 0, 'year');
  addFormatToken('M', ['MM', 2], 'Mo', function () { return this.month() + 1; });
  addFormatToken('MMM', 0, 0, function () { return locale.monthsShort[this.month()]; });
  addFormatToken('MMMM', 0, 0, function () { return MONTHS[this.month()]; });
  addFormatToken('w', ['ww', 2], 'wo', 'week');
  addFormatToken('W', ['WW', 2], 'Wo', 'isoWeek');
  addFormatToken('d', 0, 'do', 'day');
  addFormatToken('dd', 0, 0, function () { return locale.weekdaysMin[this.day()]; });
  addFormatToken('ddd', 0, 0, function () { return locale.weekdaysShort[this.day()]; });
  addFormatToken('dddd', 0, 0, function () { return DAYS[this.day()]; });
  addFormatToken('e', 0, 0, 'weekday');
  addFormatToken('E', 0, 0, 'isoWeekday');
  function hFormat() { return this.hours() % 12 || 12; }
  function kFormat() { return this.hours() || 24; }
  addFormatToken('H', ['HH', 2], 0, 'hour');
  addFormatToken('h', ['hh', 2], 0, hFormat);
  addFormatToken('k', ['kk', 2], 0, kFormat);
  addFormatToken('hmm', 0, 0, function () { return '' + hFormat.apply(this) + zeroFill(this.minutes(), 2); });
  addFormatToken('hmmss', 0, 0, function () { return '' + hFormat.apply(this) + zeroFill(this.minutes(), 2) + zeroFill(this.seconds(), 2); });
  addFormatToken('Hmm', 0, 0, function () { return '' + this.hours() + zeroFill(this.minutes(), 2); });
  addFormatToken('Hmmss', 0, 0, function () { return '' + this.hours() + zeroFill(this.minutes(), 2) + zeroFill(this.seconds(), 2); });
  addFormatToken('a', 0, 0, function () { return meridiem(this.hours(), this.minutes(), true); });
  addFormatToken('A', 0, 0, function () { return meridiem(this.hours(), this.minutes(), false); });
  function offsetToken(token, sep) {
    addFormatToken(token, 0, 0, function () {
      var o = this.utcOffset(), sign = '+';
      if (o < 0) { o = -o; sign = '-'; }
      return sign + zeroFill(~~(o / 60), 2) + sep + zeroFill(~~(o) % 60, 2);
    });
  }
  offsetToken('Z', ':');
  offsetToken('ZZ', '');
  addFormatToken(0, ['gg', 2], 0, function () { return this.weekYear() % 100; });
  addFormatToken(0, ['GG', 2], 0, function () { return this.isoWeekYear() % 100; });
  addFormatToken(0, ['gggg', 4], 0, 'weekYear');
  addFormatToken(0, ['ggggg', 5], 0, 'weekYear');
  addFormatToken(0, ['GGGG', 4], 0, 'isoWeekYear');
  addFormatToken(0, ['GGGGG', 5], 0, 'isoWeekYear');
  addFormatToken('Q', 0, 'Qo', 'quarter');
  addFormatToken('D', ['DD', 2], 'Do', 'date');
  addFormatToken('DDD', ['DDDD', 3], 'DDDo', 'dayOfYear');
  addFormatToken('m', ['mm', 2], 0, 'minute');
  addFormatToken('s', ['ss', 2], 0, 'second');
  addFormatToken('S', 0, 0, function () { return ~~(this.millisecond() / 100); });
  addFormatToken(0, ['SS', 2], 0, function () { return ~~(this.millisecond() / 10); });
  addFormatToken(0, ['SSS', 3], 0, 'millisecond');
  (function () {
    var t = 'SSSS', mul = 10;
    for (; t.length <= 9; t += 'S', mul *= 10) {
      (function (m) { addFormatToken(0, [t, t.length], 0, function () { return this.millisecond() * m; }); })(mul);
    }
  })();
  addFormatToken('z', 0, 0, function () { return this._isUTC ? 'UTC' : ''; });
  addFormatToken('zz', 0, 0, function () { return this._isUTC ? 'Coordinated Universal Time' : ''; });
  addFormatToken('X', 0, 0, 'unix');
  addFormatToken('x', 0, 0, 'valueOf');

  function removeFormattingTokens(input) {
    if (input.match(/\[[\s\S]/)) return input.replace(/^\[|\]$/g, '');
    return input.replace(/\\/g, '');
  }
  function formatMoment(m, format) {
    if (!m.isValid()) return locale.invalidDate;
    format = expandFormat(format);
    var array = format.match(formattingTokens) || [], out = '', i, f;
    for (i = 0; i < array.length; i++) {
      f = Object.prototype.hasOwnProperty.call(formatTokenFunctions, array[i]) ? formatTokenFunctions[array[i]] : null;
      out += f ? f.call(m, format) : removeFormattingTokens(array[i]);
    }
    return out;
  }

  // ---- prototype
  var proto = Moment.prototype;
  proto.isValid = function () { return this._isValid; };
  proto.clone = function () { return new Moment(cloneConfig(this)); };
  proto.valueOf = function () { return getTime.call(this._d) - ((this._offset || 0) * 60000); };
  proto.unix = function () { return Math.floor(this.valueOf() / 1000); };
  proto.toDate = function () { return new NativeDate(this.valueOf()); };
  proto.toArray = function () { return [this.year(), this.month(), this.date(), this.hour(), this.minute(), this.second(), this.millisecond()]; };
  proto.toObject = function () {
    return { years: this.year(), months: this.month(), date: this.date(), hours: this.hours(),
      minutes: this.minutes(), seconds: this.seconds(), milliseconds: this.milliseconds() };
  };
  proto.year = proto.years = function (v) {
    if (v != null) { set(this, 'FullYear', typeof v === 'string' ? toInt(v) : v); return this; }
    return get(this, 'FullYear');
  };
  proto.month = proto.months = function (v) {
    if (v != null) { setMonth(this, v); return this; }
    return get(this, 'Month');
  };
  proto.date = proto.dates = makeGetSet('Date');
  proto.hour = proto.hours = makeGetSet('Hours');
  proto.minute = proto.minutes = makeGetSet('Minutes');
  proto.second = proto.seconds = makeGetSet('Seconds');
  proto.millisecond = proto.milliseconds = makeGetSet('Milliseconds');
  proto.day = proto.days = function (input) {
    if (!this.isValid()) return input != null ? this : NaN;
    var day = this._isUTC ? this._d.getUTCDay() : this._d.getDay();
    if (input != null) {
      if (typeof input === 'string') {
        if (isNaN(input)) { input = weekdaysParse(input); if (typeof input !== 'number') return this; }
        else input = parseInt(input, 10);
      }
      return this.add(input - day, 'd');
    }
    return day;
  };
  proto.weekday = function (input) {
    if (!this.isValid()) return input != null ? this : NaN;
    var weekday = (this.day() + 7 - locale.week.dow) % 7;
    return input == null ? weekday : this.add(input - weekday, 'd');
  };
  proto.isoWeekday = function (input) {
    if (!this.isValid()) return input != null ? this : NaN;
    if (input != null) {
      var wd = typeof input === 'string' ? (weekdaysParse(input) != null ? weekdaysParse(input) : NaN) : input;
      if (typeof input === 'string') wd = (wd % 7) || 7;
      return this.day(this.day() % 7 ? wd : wd - 7);
    }
    return this.day() || 7;
  };
  proto.dayOfYear = function (input) {
    var doy = Math.round((this.clone().startOf('day') - this.clone().startOf('year')) / 864e5) + 1;
    return input == null ? doy : this.add(input - doy, 'd');
  };
  proto.quarter = proto.quarters = function (input) {
    return input == null ? Math.ceil((this.month() + 1) / 3) : this.month((input - 1) * 3 + this.month() % 3);
  };
  proto.week = proto.weeks = function (input) {
    var week = weekOfYear(this, locale.week.dow, locale.week.doy).week;
    return input == null ? week : this.add((input - week) * 7, 'd');
  };
  proto.isoWeek = proto.isoWeeks = function (input) {
    var week = weekOfYear(this, 1, 4).week;
    return input == null ? week : this.add((input - week) * 7, 'd');
  };
  proto.weekYear = function (input) {
    return getSetWeekYearHelper(this, input, this.week(), this.weekday(), locale.week.dow, locale.week.doy);
  };
  proto.isoWeekYear = function (input) {
    return getSetWeekYearHelper(this, input, this.isoWeek(), this.isoWeekday(), 1, 4);
  };
  proto.isoWeeksInYear = function () { return weeksInYear(this.year(), 1, 4); };
  proto.weeksInYear = function () { return weeksInYear(this.year(), locale.week.dow, locale.week.doy); };
  proto.daysInMonth = function () { return daysInMonth(this.year(), this.month()); };
  proto.isLeapYear = function () { return isLeapYear(this.year()); };
  proto.get = function (units) {
    units = normalizeUnits(units);
    return isFunction(this[units]) ? this[units]() : this;
  };
  proto.set = function (units, value) {
    if (typeof units === 'object' && units !== null) {
      var n = normalizeObjectUnits(units), list = [], u;
      for (u in n) if (Object.prototype.hasOwnProperty.call(n, u)) list.push({ unit: u, priority: priorities[u] });
      list.sort(function (a, b) { return a.priority - b.priority; });
      for (var i = 0; i < list.length; i++) this[list[i].unit](n[list[i].unit]);
      return this;
    }
    units = normalizeUnits(units);
    if (isFunction(this[units])) return this[units](value);
    return this;
  };

  function addSubtract(m, duration, isAdding) {
    var ms = duration._milliseconds, days = absRound(duration._days), months = absRound(duration._months);
    if (!m.isValid()) return;
    if (months) setMonth(m, get(m, 'Month') + months * isAdding);
    if (days) set(m, 'Date', get(m, 'Date') + days * isAdding);
    if (ms) m._d.setTime(m._d.valueOf() + ms * isAdding);
  }
  function createAdder(direction) {
    return function (val, period) {
      var tmp;
      if (period !== null && !isNaN(+period)) { tmp = val; val = period; period = tmp; }
      val = typeof val === 'string' ? +val : val;
      addSubtract(this, createDuration(val, period), direction);
      return this;
    };
  }
  proto.add = createAdder(1);
  proto.subtract = createAdder(-1);

  proto.startOf = function (units) {
    units = normalizeUnits(units);
    switch (units) {
      case 'year': this.month(0); /* falls through */
      case 'quarter': case 'month': this.date(1); /* falls through */
      case 'week': case 'isoWeek': case 'day': case 'date': this.hours(0); /* falls through */
      case 'hour': this.minutes(0); /* falls through */
      case 'minute': this.seconds(0); /* falls through */
      case 'second': this.milliseconds(0);
    }
    if (units === 'week') this.weekday(0);
    if (units === 'isoWeek') this.isoWeekday(1);
    if (units === 'quarter') this.month(Math.floor(this.month() / 3) * 3);
    return this;
  };
  proto.endOf = function (units) {
    units = normalizeUnits(units);
    if (units === undefined || units === 'millisecond') return this;
    if (units === 'date') units = 'day';
    return this.startOf(units).add(1, units === 'isoWeek' ? 'week' : units).subtract(1, 'ms');
  };

  // offsets
  function getDateOffset(m) { return -Math.round(m._d.getTimezoneOffset() / 15) * 15; }
  proto.utcOffset = function (input, keepLocalTime, keepMinutes) {
    var offset = this._offset || 0, localAdjust;
    if (!this.isValid()) return input != null ? this : NaN;
    if (input != null) {
      if (typeof input === 'string') {
        input = offsetFromString(matchShortOffset, input);
        if (input === null) return this;
      } else if (Math.abs(input) < 16 && !keepMinutes) {
        input = input * 60;
      }
      if (!this._isUTC && keepLocalTime) localAdjust = getDateOffset(this);
      this._offset = input;
      this._isUTC = true;
      if (localAdjust != null) this.add(localAdjust, 'm');
      if (offset !== input) {
        if (!keepLocalTime || this._changeInProgress) addSubtract(this, createDuration(input - offset, 'm'), 1);
      }
      return this;
    }
    return this._isUTC ? offset : getDateOffset(this);
  };
  proto.utc = function (keepLocalTime) { return this.utcOffset(0, keepLocalTime); };
  proto.local = function (keepLocalTime) {
    if (this._isUTC) {
      this.utcOffset(0, keepLocalTime);
      this._isUTC = false;
      if (keepLocalTime) this.subtract(getDateOffset(this), 'm');
    }
    return this;
  };
  proto.parseZone = function () {
    if (this._tzm != null) this.utcOffset(this._tzm, false, true);
    else if (typeof this._i === 'string') {
      var tz = offsetFromString(/Z|[+-]\d\d:?\d\d/gi, this._i);
      if (tz != null) this.utcOffset(tz); else this.utcOffset(0, true);
    }
    return this;
  };
  proto.isLocal = function () { return this.isValid() ? !this._isUTC : false; };
  proto.isUtcOffset = function () { return this.isValid() ? this._isUTC : false; };
  proto.isUtc = proto.isUTC = function () { return this.isValid() ? this._isUTC && this._offset === 0 : false; };
  proto.isDST = function () {
    return this.utcOffset() > this.clone().month(0).utcOffset() || this.utcOffset() > this.clone().month(5).utcOffset();
  };
  proto.zoneAbbr = function () { return this._isUTC ? 'UTC' : ''; };
  proto.zoneName = function () { return this._isUTC ? 'Coordinated Universal Time' : ''; };

  // comparisons
  function cloneWithOffset(input, model) {
    if (model._isUTC) {
      var res = model.clone();
      var diff = (isMoment(input) || isDate(input) ? input.valueOf() : createLocalMoment(input).valueOf()) - res.valueOf();
      res._d.setTime(res._d.valueOf() + diff);
      return res;
    }
    return createLocalMoment(input).local();
  }
  proto.isAfter = function (input, units) {
    var other = isMoment(input) ? input : createLocalMoment(input);
    if (!(this.isValid() && other.isValid())) return false;
    units = normalizeUnits(!isUndefined(units) ? units : 'millisecond');
    if (units === 'millisecond') return this.valueOf() > other.valueOf();
    return other.valueOf() < this.clone().startOf(units).valueOf();
  };
  proto.isBefore = function (input, units) {
    var other = isMoment(input) ? input : createLocalMoment(input);
    if (!(this.isValid() && other.isValid())) return false;
    units = normalizeUnits(!isUndefined(units) ? units : 'millisecond');
    if (units === 'millisecond') return this.valueOf() < other.valueOf();
    return this.clone().endOf(units).valueOf() < other.valueOf();
  };
  proto.isSame = function (input, units) {
    var other = isMoment(input) ? input : createLocalMoment(input), ms;
    if (!(this.isValid() && other.isValid())) return false;
    units = normalizeUnits(units || 'millisecond');
    if (units === 'millisecond') return this.valueOf() === other.valueOf();
    ms = other.valueOf();
    return this.clone().startOf(units).valueOf() <= ms && ms <= this.clone().endOf(units).valueOf();
  };
  proto.isSameOrAfter = function (input, units) { return this.isSame(input, units) || this.isAfter(input, units); };
  proto.isSameOrBefore = function (input, units) { return this.isSame(input, units) || this.isBefore(input, units); };
  proto.isBetween = function (from, to, units, inclusivity) {
    inclusivity = inclusivity || '()';
    return (inclusivity[0] === '(' ? this.isAfter(from, units) : !this.isBefore(from, units)) &&
      (inclusivity[1] === ')' ? this.isBefore(to, units) : !this.isAfter(to, units));
  };
  function monthDiff(a, b) {
    var whole = ((b.year() - a.year()) * 12) + (b.month() - a.month()),
      anchor = a.clone().add(whole, 'months'), anchor2, adjust;
    if (b - anchor < 0) {
      anchor2 = a.clone().add(whole - 1, 'months');
      adjust = (b - anchor) / (anchor - anchor2);
    } else {
      anchor2 = a.clone().add(whole + 1, 'months');
      adjust = (b - anchor) / (anchor2 - anchor);
    }
    return -(whole + adjust) || 0;
  }
  proto.diff = function (input, units, asFloat) {
    var that, zoneDelta, output;
    if (!this.isValid()) return NaN;
    that = cloneWithOffset(input, this);
    if (!that.isValid()) return NaN;
    zoneDelta = (that.utcOffset() - this.utcOffset()) * 6e4;
    units = normalizeUnits(units);
    switch (units) {
      case 'year': output = monthDiff(this, that) / 12; break;
      case 'month': output = monthDiff(this, that); break;
      case 'quarter': output = monthDiff(this, that) / 3; break;
      case 'second': output = (this - that) / 1e3; break;
      case 'minute': output = (this - that) / 6e4; break;
      case 'hour': output = (this - that) / 36e5; break;
      case 'day': output = (this - that - zoneDelta) / 864e5; break;
      case 'week': output = (this - that - zoneDelta) / 6048e5; break;
      default: output = this - that;
    }
    return asFloat ? output : absFloor(output);
  };

  // output
  proto.format = function (inputString) {
    if (!inputString) inputString = this.isUtc() ? hooks.defaultFormatUtc : hooks.defaultFormat;
    return formatMoment(this, inputString);
  };
  proto.toString = function () { return formatMoment(this, 'ddd MMM DD YYYY HH:mm:ss [GMT]ZZ'); };
  proto.toISOString = function (keepOffset) {
    if (!this.isValid()) return null;
    var utc = keepOffset !== true, m = utc ? this.clone().utc() : this;
    if (m.year() < 0 || m.year() > 9999) {
      return formatMoment(m, utc ? 'YYYYYY-MM-DD[T]HH:mm:ss.SSS[Z]' : 'YYYYYY-MM-DD[T]HH:mm:ss.SSSZ');
    }
    if (utc) return this.toDate().toISOString();
    return new NativeDate(this.valueOf() + this.utcOffset() * 60000).toISOString().replace('Z', formatMoment(m, 'Z'));
  };
  proto.toJSON = function () { return this.isValid() ? this.toISOString() : null; };
  proto.inspect = function () {
    if (!this.isValid()) return 'moment.invalid(/* ' + this._i + ' */)';
    var func = this._isUTC ? (this.utcOffset() === 0 ? 'moment.utc' : 'moment.parseZone') : 'moment';
    var year = (0 <= this.year() && this.year() <= 9999) ? 'YYYY' : 'YYYYYY';
    return formatMoment(this, '[' + func + '("]' + year + '-MM-DD[T]HH:mm:ss.SSS' + (this._isUTC ? 'Z' : '') + '[")]');
  };
  proto.locale = function (key) { return key === undefined ? 'en' : this; };
  proto.localeData = function () { return localeData; };
  proto.creationData = function () { return { input: this._i, format: this._f, isUTC: this._isUTC }; };

  // relative time
  var thresholds = { ss: 44, s: 45, m: 45, h: 22, d: 26, M: 11 };
  function positiveMomentsDifference(base, other) {
    var res = { milliseconds: 0, months: 0 };
    res.months = other.month() - base.month() + (other.year() - base.year()) * 12;
    if (base.clone().add(res.months, 'M').isAfter(other)) --res.months;
    res.milliseconds = +other - +(base.clone().add(res.months, 'M'));
    return res;
  }
  function momentsDifference(base, other) {
    var res;
    if (!(base.isValid() && other.isValid())) return { milliseconds: 0, months: 0 };
    other = cloneWithOffset(other, base);
    if (base.isBefore(other)) {
      res = positiveMomentsDifference(base, other);
    } else {
      res = positiveMomentsDifference(other, base);
      res.milliseconds = -res.milliseconds;
      res.months = -res.months;
    }
    return res;
  }
  function humanize(dur, withSuffix) {
    var t = { ms: Math.abs(dur._milliseconds), d: Math.abs(dur._days), mo: Math.abs(dur._months) };
    var seconds = Math.round(asUnit(t, 'second')), minutes = Math.round(asUnit(t, 'minute')),
      hours = Math.round(asUnit(t, 'hour')), days = Math.round(asUnit(t, 'day')),
      months = Math.round(asUnit(t, 'month')), years = Math.round(asUnit(t, 'year'));
    var a = (seconds <= thresholds.ss && ['s', seconds]) || (seconds < thresholds.s && ['ss', seconds]) ||
      (minutes <= 1 && ['m']) || (minutes < thresholds.m && ['mm', minutes]) ||
      (hours <= 1 && ['h']) || (hours < thresholds.h && ['hh', hours]) ||
      (days <= 1 && ['d']) || (days < thresholds.d && ['dd', days]) ||
      (months <= 1 && ['M']) || (months < thresholds.M && ['MM', months]) ||
      (years <= 1 && ['y']) || ['yy', years];
    var out = locale.relativeTime[a[0]].replace(/%d/i, a[1] || 1);
    if (!withSuffix) return out;
    return (dur.valueOf() > 0 ? locale.relativeTime.future : locale.relativeTime.past).replace(/%s/i, out);
  }
  Duration.prototype.humanize = function (withSuffix) { return humanize(this, withSuffix); };
  function asUnit(t, units) {
    var days, months;
    if (units === 'month' || units === 'year') {
      days = t.d + t.ms / 864e5;
      months = t.mo + days * 4800 / 146097;
      return units === 'month' ? months : months / 12;
    }
    days = t.d + Math.round(t.mo * 146097 / 4800);
    switch (units) {
      case 'day': return days + t.ms / 864e5;
      case 'hour': return days * 24 + t.ms / 36e5;
      case 'minute': return days * 1440 + t.ms / 6e4;
      default: return days * 86400 + t.ms / 1000;
    }
  }
  function relative(fromM, toM, withoutSuffix) {
    var d = momentsDifference(fromM, toM);
    return humanize(createDuration({ ms: d.milliseconds, M: d.months }), !withoutSuffix);
  }
  proto.from = function (time, withoutSuffix) {
    var other = isMoment(time) ? time : createLocalMoment(time);
    if (!(this.isValid() && other.isValid())) return locale.invalidDate;
    return relative(other, this, withoutSuffix);
  };
  proto.fromNow = function (withoutSuffix) { return this.from(createLocalMoment(), withoutSuffix); };
  proto.to = function (time, withoutSuffix) {
    var other = isMoment(time) ? time : createLocalMoment(time);
    if (!(this.isValid() && other.isValid())) return locale.invalidDate;
    return relative(this, other, withoutSuffix);
  };
  proto.toNow = function (withoutSuffix) { return this.to(createLocalMoment(), withoutSuffix); };
  proto.calendar = function (time, formats) {
    var now = time || createLocalMoment(), sod = cloneWithOffset(now, this).startOf('day'),
      diff = this.diff(sod, 'days', true),
      format = diff < -6 ? 'sameElse' : diff < -1 ? 'lastWeek' : diff < 0 ? 'lastDay' : diff < 1 ? 'sameDay' : diff < 2 ? 'nextDay' : diff < 7 ? 'nextWeek' : 'sameElse';
    var output = formats && (isFunction(formats[format]) ? formats[format].call(this, now) : formats[format]);
    return this.format(output || locale.calendar[format]);
  };

  // ---- statics
  hooks.version = '2.21.0';
  hooks.fn = proto;
  hooks.utc = createUTC;
  hooks.unix = function (input) { return createLocalMoment(input * 1000); };
  hooks.isMoment = isMoment;
  hooks.isDate = isDate;
  hooks.isDuration = isDuration;
  hooks.duration = createDuration;
  hooks.invalid = function () { return createLocalMoment(NaN); };
  hooks.now = function () { return NOW; };
  hooks.parseZone = function () { return createLocalMoment.apply(null, arguments).parseZone(); };
  hooks.normalizeUnits = normalizeUnits;
  hooks.locale = function () { return 'en'; };
  hooks.localeData = function () { return localeData; };
  hooks.months = function () { return MONTHS.slice(); };
  hooks.monthsShort = function () { return locale.monthsShort.slice(); };
  hooks.weekdays = function () { return DAYS.slice(); };
  hooks.weekdaysShort = function () { return locale.weekdaysShort.slice(); };
  hooks.weekdaysMin = function () { return locale.weekdaysMin.slice(); };
  hooks.defaultFormat = 'YYYY-MM-DDTHH:mm:ssZ';
  hooks.defaultFormatUtc = 'YYYY-MM-DDTHH:mm:ss[Z]';
  hooks.ISO_8601 = function () {};
  hooks.RFC_2822 = function () {};
  function pickBy(fn, moments) {
    if (moments.length === 1 && isArray(moments[0])) moments = moments[0];
    if (!moments.length) return createLocalMoment();
    var res = moments[0];
    for (var i = 1; i < moments.length; ++i) {
      if (!moments[i].isValid() || moments[i][fn](res)) res = moments[i];
    }
    return res;
  }
  hooks.min = function () { return pickBy('isBefore', [].slice.call(arguments, 0)); };
  hooks.max = function () { return pickBy('isAfter', [].slice.call(arguments, 0)); };
  hooks.prototype = proto;

  g.moment = hooks;
})(globalThis);
