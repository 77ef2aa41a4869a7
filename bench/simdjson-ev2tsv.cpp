// simdjson-ev2tsv: a reference converter for the benchmark only (not part of the suite).
//
// Does ev2tsv's job on the stream schemas with simdjson 3.x: JSON event lines (the envelope
// {"eventType":..,"eventBody":{..}} or a bare body) to ClickHouse TabSeparated in the column
// order of a `DESCRIBE TABLE ... FORMAT TabSeparated` file.
//
//   simdjson-ev2tsv -s schema.tsv [-m dom|od] [-b block_bytes] [file]
//
//   -m dom  (default) DOM, parse_many over blocks of whole lines (default 4 MiB), one batch a block
//   -m od   On-Demand, iterate_many over the same blocks
//
// Output rules (those of ev2tsv on well-formed data):
//   String    the decoded string with TabSeparated escapes (\\ \t \n \r \0 \b \f); a JSON number
//             or boolean as text; missing or null: empty.
//   Int*      a string as it is; a number as its text; missing/null/"": 0.
//   Decimal   a string as it is ("the generator writes scale-S strings"); a JSON number padded to
//             S fraction digits (od: from the number's own text; dom: the double printed with
//             %.Sf, which loses digits beyond ~15 significant ones: the trap of json.md).
//   Nullable  missing, null or "": \N.
// What it does not do that ev2tsv does: rounding, range checks, canonical forms of decimal
// *strings*, duplicate keys, reject records.  A document simdjson refuses stops the run (exit 1),
// as the block readers of simdjson do.
#include <simdjson.h>

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

using namespace simdjson;

namespace {

enum ctype { C_STRING, C_INT, C_DECIMAL };

struct column {
	std::string name;
	ctype type;
	bool nullable;
	int scale;
};

std::vector<column> cols;

// ---------------------------------------------------------------- key lookup: open addressing
constexpr size_t HSIZE = 256;	// a power of two, well above 2 * columns
struct hslot {
	const char *key;
	size_t len;
	int col;
};
hslot htab[HSIZE];

inline uint32_t
hashkey(const char *s, size_t n)
{
	uint32_t h = 2166136261u;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 16777619u;
	return h;
}

void
hput(const std::string &k, int c)
{
	size_t i = hashkey(k.data(), k.size()) & (HSIZE - 1);
	while (htab[i].key)
		i = (i + 1) & (HSIZE - 1);
	htab[i] = { k.data(), k.size(), c };
}

inline int
hget(std::string_view k)
{
	size_t i = hashkey(k.data(), k.size()) & (HSIZE - 1);
	while (htab[i].key) {
		if (htab[i].len == k.size() && memcmp(htab[i].key, k.data(), k.size()) == 0)
			return htab[i].col;
		i = (i + 1) & (HSIZE - 1);
	}
	return -1;
}

// ---------------------------------------------------------------- output
struct outbuf {
	std::vector<char> b;
	size_t len = 0;
	outbuf() : b(1 << 20) {}
	void flush()
	{
		size_t off = 0;
		while (off < len) {
			ssize_t w = write(1, b.data() + off, len - off);
			if (w < 0) {
				if (errno == EINTR)
					continue;
				perror("simdjson-ev2tsv: write");
				exit(2);
			}
			off += (size_t)w;
		}
		len = 0;
	}
	// room for n more bytes
	inline char *reserve(size_t n)
	{
		if (len + n > b.size()) {
			flush();
			if (n > b.size())
				b.resize(n);
		}
		return b.data() + len;
	}
	inline void put(const char *s, size_t n)
	{
		memcpy(reserve(n), s, n);
		len += n;
	}
	inline void putc(char c)
	{
		*reserve(1) = c;
		len++;
	}
} out;

struct esc_table {
	unsigned char l[256] = {};
	esc_table()
	{
		l[(unsigned char)'\\'] = '\\', l[(unsigned char)'\t'] = 't', l[(unsigned char)'\n'] = 'n';
		l[(unsigned char)'\r'] = 'r', l[0] = '0', l[(unsigned char)'\b'] = 'b', l[(unsigned char)'\f'] = 'f';
	}
} const esc;
#define esc_letter esc.l

inline void
put_tsv(std::string_view s)
{
	char *d = out.reserve(2 * s.size()), *d0 = d;
	const unsigned char *p = (const unsigned char *)s.data(), *e = p + s.size();
	for (; p < e; p++) {
		unsigned char l = esc_letter[*p];
		if (l) {
			*d++ = '\\';
			*d++ = (char)l;
		} else {
			*d++ = (char)*p;
		}
	}
	out.len += (size_t)(d - d0);
}

void
put_default(const column &c)
{
	if (c.nullable) {
		out.put("\\N", 2);
		return;
	}
	switch (c.type) {
	case C_STRING:
		break;
	case C_INT:
		out.putc('0');
		break;
	case C_DECIMAL:
		out.putc('0');
		if (c.scale) {
			out.putc('.');
			for (int i = 0; i < c.scale; i++)
				out.putc('0');
		}
		break;
	}
}

// number text (no exponent) padded to the column's scale; false if it cannot be done by padding
bool
put_number_text(const column &c, std::string_view t)
{
	while (!t.empty() && (t.back() == ' ' || t.back() == '\n' || t.back() == '\r' || t.back() == '\t'))
		t.remove_suffix(1);
	if (c.type != C_DECIMAL) {
		out.put(t.data(), t.size());
		return true;
	}
	size_t dot = t.find('.');
	if (t.find_first_of("eE") != std::string_view::npos)
		return false;
	size_t frac = dot == std::string_view::npos ? 0 : t.size() - dot - 1;
	if ((int)frac > c.scale)
		return false;
	out.put(t.data(), t.size());
	if (c.scale) {
		if (dot == std::string_view::npos)
			out.putc('.');
		for (int i = (int)frac; i < c.scale; i++)
			out.putc('0');
	}
	return true;
}

void
put_double(const column &c, double v)
{
	char buf[64];
	int n = c.type == C_DECIMAL ? snprintf(buf, sizeof buf, "%.*f", c.scale, v) : snprintf(buf, sizeof buf, "%.17g", v);
	out.put(buf, (size_t)n);
}

// ---------------------------------------------------------------- schema
void
load_schema(const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		perror(path);
		exit(2);
	}
	char *line = nullptr;
	size_t cap = 0;
	ssize_t n;
	while ((n = getline(&line, &cap, f)) > 0) {
		std::string l(line, (size_t)n);
		while (!l.empty() && (l.back() == '\n' || l.back() == '\r'))
			l.pop_back();
		if (l.empty())
			continue;
		size_t t1 = l.find('\t');
		if (t1 == std::string::npos)
			continue;
		size_t t2 = l.find('\t', t1 + 1);
		std::string name = l.substr(0, t1), type = l.substr(t1 + 1, t2 == std::string::npos ? std::string::npos : t2 - t1 - 1);
		column c{ name, C_STRING, false, 0 };
		if (type.rfind("Nullable(", 0) == 0) {
			c.nullable = true;
			type = type.substr(9, type.size() - 10);
		}
		if (type.rfind("Decimal(", 0) == 0) {
			c.type = C_DECIMAL;
			size_t comma = type.find(',');
			c.scale = atoi(type.c_str() + comma + 1);
		} else if (type.rfind("Int", 0) == 0 || type.rfind("UInt", 0) == 0) {
			c.type = C_INT;
		} else if (type != "String") {
			fprintf(stderr, "simdjson-ev2tsv: %s: type %s not supported\n", name.c_str(), type.c_str());
			exit(2);
		}
		cols.push_back(c);
	}
	free(line);
	fclose(f);
	for (size_t i = 0; i < cols.size(); i++)
		hput(cols[i].name, (int)i);
}

// ---------------------------------------------------------------- DOM
std::vector<dom::element> dslot;
std::vector<uint32_t> dgen;
uint32_t gen;
uint64_t docs, number_fallbacks;

void
dom_doc(dom::element doc)
{
	dom::object top, body;
	if (doc.get_object().get(top)) {
		fprintf(stderr, "simdjson-ev2tsv: line %llu: not an object\n", (unsigned long long)docs + 1);
		exit(1);
	}
	body = top;
	for (dom::key_value_pair kv : top) {
		if (kv.key == "eventBody") {
			if (kv.value.get_object().get(body)) {
				fprintf(stderr, "simdjson-ev2tsv: eventBody is not an object\n");
				exit(1);
			}
			break;
		}
	}
	++gen;
	for (dom::key_value_pair kv : body) {
		int c = hget(kv.key);
		if (c >= 0) {
			dslot[c] = kv.value;
			dgen[c] = gen;
		}
	}
	size_t nc = cols.size();
	for (size_t i = 0; i < nc; i++) {
		const column &c = cols[i];
		if (dgen[i] != gen) {
			put_default(c);
		} else {
			dom::element v = dslot[i];
			switch (v.type()) {
			case dom::element_type::STRING: {
				std::string_view s = v.get_string().value_unsafe();
				if (s.empty() && (c.nullable || c.type != C_STRING))
					put_default(c);
				else if (c.type == C_STRING)
					put_tsv(s);
				else
					out.put(s.data(), s.size());
				break;
			}
			case dom::element_type::NULL_VALUE:
				put_default(c);
				break;
			case dom::element_type::INT64: {
				char buf[32];
				int n = snprintf(buf, sizeof buf, "%lld", (long long)v.get_int64().value_unsafe());
				put_number_text(c, std::string_view(buf, (size_t)n));
				break;
			}
			case dom::element_type::UINT64: {
				char buf[32];
				int n = snprintf(buf, sizeof buf, "%llu", (unsigned long long)v.get_uint64().value_unsafe());
				put_number_text(c, std::string_view(buf, (size_t)n));
				break;
			}
			case dom::element_type::DOUBLE:
				number_fallbacks++;
				put_double(c, v.get_double().value_unsafe());
				break;
			case dom::element_type::BOOL:
				if (v.get_bool().value_unsafe())
					out.put("true", 4);
				else
					out.put("false", 5);
				break;
			default:
				fprintf(stderr, "simdjson-ev2tsv: column %s: an object or array\n", c.name.c_str());
				exit(1);
			}
		}
		out.putc(i + 1 < nc ? '\t' : '\n');
	}
	docs++;
}

dom::parser dparser;

void
dom_block(const char *buf, size_t len)
{
	dom::document_stream ds;
	if (auto err = dparser.parse_many(buf, len, len < 1024 ? 1024 : len).get(ds)) {
		fprintf(stderr, "simdjson-ev2tsv: %s\n", error_message(err));
		exit(1);
	}
	for (auto r : ds) {
		dom::element doc;
		if (auto err = r.get(doc)) {
			fprintf(stderr, "simdjson-ev2tsv: after %llu documents: %s\n", (unsigned long long)docs, error_message(err));
			exit(1);
		}
		dom_doc(doc);
	}
}

// ---------------------------------------------------------------- On-Demand
enum okind : uint8_t { O_NONE, O_STR, O_NUM, O_NULL, O_TRUE, O_FALSE };
struct oslot {
	std::string_view s;
	okind k;
};
std::vector<oslot> oslots;

[[noreturn]] void
od_fail(error_code e)
{
	fprintf(stderr, "simdjson-ev2tsv: after %llu documents: %s\n", (unsigned long long)docs, error_message(e));
	exit(1);
}

void
od_fields(ondemand::object obj, bool toplevel)
{
	for (auto field : obj) {
		std::string_view key;
		if (auto e = field.unescaped_key().get(key))
			od_fail(e);
		ondemand::value v = field.value();
		if (toplevel && key == "eventBody") {
			ondemand::object b;
			if (auto e = v.get_object().get(b))
				od_fail(e);
			for (auto &s : oslots)	// the body, not the envelope, holds the columns
				s.k = O_NONE;
			od_fields(b, false);
			return;	// (what follows eventBody in the envelope is not needed)
		}
		int c = hget(key);
		if (c < 0)
			continue;	// skipped by On-Demand
		ondemand::json_type t;
		if (auto e = v.type().get(t))
			od_fail(e);
		oslot &s = oslots[c];
		switch (t) {
		case ondemand::json_type::string:
			if (auto e = v.get_string().get(s.s))
				od_fail(e);
			s.k = O_STR;
			break;
		case ondemand::json_type::number:
			s.s = v.raw_json_token();
			s.k = O_NUM;
			break;
		case ondemand::json_type::null:
			s.k = O_NULL;
			break;
		case ondemand::json_type::boolean: {
			bool b;
			if (auto e = v.get_bool().get(b))
				od_fail(e);
			s.k = b ? O_TRUE : O_FALSE;
			break;
		}
		default:
			fprintf(stderr, "simdjson-ev2tsv: column %s: an object or array\n", cols[c].name.c_str());
			exit(1);
		}
	}
}

ondemand::parser oparser;

void
od_block(const char *buf, size_t len)
{
	ondemand::document_stream ds;
	if (auto err = oparser.iterate_many(buf, len, len < 1024 ? 1024 : len).get(ds))
		od_fail(err);
	for (auto r : ds) {
		ondemand::document_reference doc;
		if (auto e = std::move(r).get(doc))
			od_fail(e);
		ondemand::object top;
		if (auto e = doc.get_object().get(top))
			od_fail(e);
		for (auto &s : oslots)
			s.k = O_NONE;
		od_fields(top, true);
		size_t nc = cols.size();
		for (size_t i = 0; i < nc; i++) {
			const column &c = cols[i];
			const oslot &s = oslots[i];
			switch (s.k) {
			case O_STR:
				if (s.s.empty() && (c.nullable || c.type != C_STRING))
					put_default(c);
				else if (c.type == C_STRING)
					put_tsv(s.s);
				else
					out.put(s.s.data(), s.s.size());
				break;
			case O_NUM:
				if (!put_number_text(c, s.s)) {
					number_fallbacks++;
					put_double(c, strtod(std::string(s.s).c_str(), nullptr));
				}
				break;
			case O_TRUE:
				out.put("true", 4);
				break;
			case O_FALSE:
				out.put("false", 5);
				break;
			default:
				put_default(c);
			}
			out.putc(i + 1 < nc ? '\t' : '\n');
		}
		docs++;
	}
	if (ds.truncated_bytes()) {
		fprintf(stderr, "simdjson-ev2tsv: %zu bytes of an incomplete document\n", ds.truncated_bytes());
		exit(1);
	}
}

}	// namespace

int
main(int argc, char **argv)
{
	const char *schema = nullptr, *mode = "dom";
	size_t block = 4 << 20;
	int opt;

	while ((opt = getopt(argc, argv, "s:m:b:")) != -1) {
		switch (opt) {
		case 's': schema = optarg; break;
		case 'm': mode = optarg; break;
		case 'b': block = strtoul(optarg, nullptr, 10); break;
		default: goto usage;
		}
	}
	if (!schema || argc - optind > 1 || (strcmp(mode, "dom") && strcmp(mode, "od"))) {
usage:
		fprintf(stderr, "usage: simdjson-ev2tsv -s schema.tsv [-m dom|od] [-b block_bytes] [file]\n");
		return 2;
	}
	load_schema(schema);
	dslot.resize(cols.size());
	dgen.assign(cols.size(), 0);
	oslots.resize(cols.size());
	bool od = strcmp(mode, "od") == 0;

	int fd = 0;
	if (optind < argc && strcmp(argv[optind], "-") && (fd = open(argv[optind], O_RDONLY)) < 0) {
		perror(argv[optind]);
		return 2;
	}
	// buf holds [0, have): whole lines are handed over, the tail moves to the front
	size_t cap = block;
	std::vector<char> buf(cap + SIMDJSON_PADDING);
	size_t have = 0;
	bool eof = false;
	while (!eof || have) {
		while (!eof && have < cap) {
			ssize_t r = read(fd, buf.data() + have, cap - have);
			if (r < 0) {
				if (errno == EINTR)
					continue;
				perror("simdjson-ev2tsv: read");
				return 2;
			}
			if (r == 0)
				eof = true;
			have += (size_t)r;
		}
		size_t cut = have;
		if (!eof) {
			char *nl = (char *)memrchr(buf.data(), '\n', have);
			if (!nl) {	// a line longer than the block: grow
				cap *= 2;
				buf.resize(cap + SIMDJSON_PADDING);
				continue;
			}
			cut = (size_t)(nl - buf.data()) + 1;
		}
		if (cut) {
			if (od)
				od_block(buf.data(), cut);
			else
				dom_block(buf.data(), cut);
		}
		memmove(buf.data(), buf.data() + cut, have - cut);
		have -= cut;
		if (eof && have == 0)
			break;
	}
	out.flush();
	fprintf(stderr, "simdjson-ev2tsv: %llu documents, %llu numbers through a double\n", (unsigned long long)docs,
	    (unsigned long long)number_fallbacks);
	return 0;
}
