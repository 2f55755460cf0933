/* httpdate: HTTP-dates, written and read without the C locale's help
 * (strftime's %a and %b follow LC_TIME). */
#include "httpdate.h"

#include <stdio.h>
#include <string.h>

static const char wdays[7][4] = { "Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed" };
static const char months[12][4] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
				    "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };

/* Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm). */
static long long days_from_civil(long long y, unsigned m, unsigned d)
{
	long long era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (long long)doe - 719468;
}

static void civil_from_days(long long z, long long *y, unsigned *m, unsigned *d)
{
	long long era;
	unsigned doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = (unsigned)(z - era * 146097);
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	*y = (long long)yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y += *m <= 2;
}

void httpdate_format(struct sbuf *out, long long t)
{
	long long days = t >= 0 ? t / 86400 : (t - 86399) / 86400, y;
	long long secs = t - days * 86400;
	unsigned m, d;

	civil_from_days(days, &y, &m, &d);
	sbuf_addf(out, "%s, %02u %s %04lld %02lld:%02lld:%02lld GMT",
		  wdays[(days % 7 + 7) % 7], d, months[m - 1], y, secs / 3600,
		  secs / 60 % 60, secs % 60);
}

static int valid(int y, int mon, int d, int h, int mi, int s)
{
	return y >= 1970 && y <= 9999 && mon >= 1 && mon <= 12 && d >= 1 && d <= 31 &&
	       h >= 0 && h <= 23 && mi >= 0 && mi <= 59 && s >= 0 && s <= 60;
}

static long long to_time(int y, int mon, int d, int h, int mi, int s)
{
	return days_from_civil(y, (unsigned)mon, (unsigned)d) * 86400 +
	       h * 3600 + mi * 60 + s;
}

int httpdate_parse(const char *s, long long *t)
{
	char wd[4], mo[4], gmt[4];
	int d, y, h, mi, sec, n = 0, mon = -1;

	if (!s || strlen(s) != 29)
		return -1;
	if (sscanf(s, "%3c, %2d %3c %4d %2d:%2d:%2d %3c%n", wd, &d, mo, &y, &h, &mi,
		   &sec, gmt, &n) != 8 || n != 29 || memcmp(gmt, "GMT", 3))
		return -1;
	for (int i = 0; i < 12; i++)
		if (!memcmp(mo, months[i], 3))
			mon = i + 1;
	if (mon < 0 || !valid(y, mon, d, h, mi, sec))
		return -1;
	*t = to_time(y, mon, d, h, mi, sec);
	return 0;
}

int httpdate_parse_iso(const char *s, long long *t)
{
	int y, mon, d, h, mi, sec, n = 0;

	if (!s || sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2dZ%n", &y, &mon, &d, &h, &mi,
			 &sec, &n) != 6 || !n || s[n] || !valid(y, mon, d, h, mi, sec))
		return -1;
	*t = to_time(y, mon, d, h, mi, sec);
	return 0;
}
