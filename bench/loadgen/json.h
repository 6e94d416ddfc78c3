/*
 * json.h - a small JSON writer: nested objects and arrays, numbers,
 * strings (escaped), written as they come, indented.
 */
#ifndef LOADGEN_JSON_H
#define LOADGEN_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define JSON_MAX_DEPTH 16

struct json {
	FILE *f;
	int depth;
	bool first[JSON_MAX_DEPTH];	/* nothing written yet at this depth */
};

void json_init(struct json *j, FILE *f);
/* key: the member's name inside an object, NULL inside an array or at
 * the top. */
void json_object_begin(struct json *j, const char *key);
void json_object_end(struct json *j);
void json_array_begin(struct json *j, const char *key);
void json_array_end(struct json *j);
void json_u64(struct json *j, const char *key, uint64_t v);
void json_int(struct json *j, const char *key, long long v);
void json_double(struct json *j, const char *key, double v);	/* null if not finite */
void json_bool(struct json *j, const char *key, bool v);
void json_string(struct json *j, const char *key, const char *s);	/* null if NULL */

#endif
