/* SPDX-License-Identifier: BSD-3-Clause */
#include "http_response.h"

#include <stdio.h>

const char *http_response_reason(unsigned int status)
{
	switch (status) {
	case 200: return "OK";
	case 400: return "Bad Request";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 408: return "Request Timeout";
	case 411: return "Length Required";
	case 414: return "URI Too Long";
	case 431: return "Request Header Fields Too Large";
	case 501: return "Not Implemented";
	case 503: return "Service Unavailable";
	case 505: return "HTTP Version Not Supported";
	default: return "Error";
	}
}

size_t http_response_format(char *buf, unsigned int status, const char *server, time_t now)
{
	char date[64];
	struct tm tm;
	int n;

	/* IMF-fixdate (RFC 9110 5.6.7), always in GMT. */
	gmtime_r(&now, &tm);
	strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S GMT", &tm);
	if (status == 200)
		n = snprintf(buf, HTTP_RESPONSE_MAX_BYTES, "HTTP/1.1 200 OK\r\nDate: %s\r\nServer: %.128s\r\n\r\n",
			     date, server);
	else
		n = snprintf(buf, HTTP_RESPONSE_MAX_BYTES,
			     "HTTP/1.1 %u %s\r\nDate: %s\r\nServer: %.128s\r\n%sContent-Length: 0\r\n"
			     "Connection: close\r\n\r\n",
			     status, http_response_reason(status), date, server, status == 405 ? "Allow: POST\r\n" : "");
	if (n < 0)
		return 0;
	return (size_t)n < HTTP_RESPONSE_MAX_BYTES ? (size_t)n : HTTP_RESPONSE_MAX_BYTES - 1;
}
