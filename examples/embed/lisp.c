/* mosaic-lisp: a tiny Lisp interpreter in C99 that keeps every object on the Mosaic heap, written
 * only against the installed C API (mosaic/mosaic.h). It shows the pieces an embedder needs:
 *
 *   - a heap created from an options string, and the main thread registered with it;
 *   - three object kinds: symbols (no references), vectors (every word a value) and closures
 *     (a custom trace callback);
 *   - pairs for lists and environments;
 *   - roots of every kind: C locals (found by the conservative stack scan), a global root (the
 *     global environment), a root cell (the symbol table), handles (each top-level form);
 *   - a native region around file input, a safepoint poll between forms;
 *   - generations, and the write barrier on every store into an existing object: set! through
 *     mosaic_set_cdr, vector-set! through the inline mosaic_store_field_with;
 *   - a finalizer, an event listener and the statistics.
 *
 * Usage: mosaic-lisp [file.scm]      (without a file it runs a built-in demo program)
 *
 * Language: integers, symbols, #t/#f, (quote x) 'x, (if c a b), (define name expr),
 * (set! name expr), (lambda (params...) body...), (begin ...), and the primitives + - * < = cons
 * car cdr list null? pair? eq? vector vector-ref vector-set! vector-length. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mosaic/mosaic.h>

static mosaic_heap* heap;
static mosaic_kind symbol_kind;  /* aux = name length; the name's bytes follow the header */
static mosaic_kind vector_kind;  /* aux = length; the values follow the header */
static mosaic_kind closure_kind; /* words: header, params, body, env */
static mosaic_value global_env = MOSAIC_NIL; /* ((symbol . value) ...): a global root */
static mosaic_root_cell* symbol_table;      /* (symbol ...): a root cell */
static uint8_t* cards; /* this thread's card table, for the inline write barrier */
static int collections_seen;
static int finalized_scratch;

static void die(const char* what) {
  fprintf(stderr, "mosaic-lisp: %s\n", what);
  exit(1);
}

static void check(mosaic_status status, const char* what) {
  if (status != MOSAIC_OK) {
    fprintf(stderr, "mosaic-lisp: %s: %s: %s\n", what, mosaic_status_name(status),
            mosaic_last_error());
    exit(1);
  }
}

/* ---- Objects ------------------------------------------------------------------------------ */

static mosaic_value cons(mosaic_value car, mosaic_value cdr) {
  mosaic_value pair;
  check(mosaic_alloc_pair(car, cdr, &pair), "cons");
  return pair;
}

static int is_kind(mosaic_value v, mosaic_kind kind) {
  return mosaic_is_object(v) && mosaic_object_kind(v) == kind;
}

static const char* symbol_name(mosaic_value sym) {
  return (const char*)(mosaic_object_words(sym) + 1);
}

static mosaic_value intern(const char* name, size_t length) {
  mosaic_value list, sym;
  check(mosaic_root_cell_load(symbol_table, &list), "intern");
  for (; list != MOSAIC_NIL; list = mosaic_cdr(list)) {
    sym = mosaic_car(list);
    if (mosaic_object_aux(sym) == length && memcmp(symbol_name(sym), name, length) == 0) {
      return sym;
    }
  }
  /* The header, the bytes, a NUL; the heap zeroes the object. */
  check(mosaic_alloc(symbol_kind, 8 + length + 1, length, &sym), "intern");
  memcpy((char*)(mosaic_object_words(sym) + 1), name, length);
  check(mosaic_root_cell_load(symbol_table, &list), "intern");
  /* `sym` lives in this frame while cons allocates: the conservative scan keeps it. */
  check(mosaic_root_cell_store(symbol_table, cons(sym, list)), "intern");
  return sym;
}

static mosaic_value make_closure(mosaic_value params, mosaic_value body, mosaic_value env) {
  mosaic_value c;
  check(mosaic_alloc(closure_kind, 4 * 8, 0, &c), "lambda");
  mosaic_object_fields(c)[0] = params;
  mosaic_object_fields(c)[1] = body;
  mosaic_object_fields(c)[2] = env;
  return c;
}

/* Closures could use MOSAIC_TRACE_VALUES; a custom tracer shows the callback's contract. */
static void trace_closure(const void* object, mosaic_tracer* tracer, void* user_data) {
  (void)user_data;
  mosaic_trace_range(tracer, (const mosaic_value*)object + 1, 3);
}

/* ---- Reader ------------------------------------------------------------------------------- */

static const char* in;

static void skip_space(void) {
  for (;;) {
    while (isspace((unsigned char)*in)) ++in;
    if (*in != ';') return;
    while (*in != '\0' && *in != '\n') ++in;
  }
}

static mosaic_value read_form(void);

static mosaic_value read_list(void) {
  skip_space();
  if (*in == '\0') die("read: missing ')'");
  if (*in == ')') {
    ++in;
    return MOSAIC_NIL;
  }
  mosaic_value head = read_form();
  mosaic_value tail = read_list();
  return cons(head, tail);
}

static mosaic_value read_form(void) {
  skip_space();
  if (*in == '\0') die("read: unexpected end of input");
  if (*in == ')') die("read: unexpected ')'");
  if (*in == '(') {
    ++in;
    return read_list();
  }
  if (*in == '\'') {
    ++in;
    mosaic_value quoted = read_form();
    return cons(intern("quote", 5), cons(quoted, MOSAIC_NIL));
  }
  const char* start = in;
  while (*in != '\0' && !isspace((unsigned char)*in) && *in != '(' && *in != ')') ++in;
  size_t length = (size_t)(in - start);
  if (length == 2 && start[0] == '#' && (start[1] == 't' || start[1] == 'f')) {
    return mosaic_bool(start[1] == 't');
  }
  char* end;
  long long n = strtoll(start, &end, 10);
  if (end == in && (isdigit((unsigned char)start[0]) || (length > 1 && start[0] == '-'))) {
    if (!mosaic_fixnum_fits(n)) die("read: integer out of range");
    return mosaic_fixnum(n);
  }
  return intern(start, length);
}

/* ---- Printer ------------------------------------------------------------------------------ */

static void print(mosaic_value v) {
  if (mosaic_is_fixnum(v)) {
    printf("%lld", (long long)mosaic_fixnum_value(v));
  } else if (v == MOSAIC_TRUE || v == MOSAIC_FALSE) {
    printf(v == MOSAIC_TRUE ? "#t" : "#f");
  } else if (v == MOSAIC_NIL) {
    printf("()");
  } else if (mosaic_is_pair(v)) {
    printf("(");
    for (;;) {
      print(mosaic_car(v));
      v = mosaic_cdr(v);
      if (!mosaic_is_pair(v)) break;
      printf(" ");
    }
    if (v != MOSAIC_NIL) {
      printf(" . ");
      print(v);
    }
    printf(")");
  } else if (is_kind(v, symbol_kind)) {
    printf("%s", symbol_name(v));
  } else if (is_kind(v, vector_kind)) {
    printf("#(");
    for (uint64_t i = 0; i < mosaic_object_aux(v); ++i) {
      if (i > 0) printf(" ");
      print(mosaic_object_fields(v)[i]);
    }
    printf(")");
  } else if (is_kind(v, closure_kind)) {
    printf("#<closure>");
  } else if (mosaic_is_embedder_word(v)) {
    printf("#<primitive %llu>", (unsigned long long)mosaic_embedder_payload(v));
  } else {
    printf("#<unknown>");
  }
}

/* ---- Evaluator ---------------------------------------------------------------------------- */

enum { P_ADD, P_SUB, P_MUL, P_LT, P_EQ, P_CONS, P_CAR, P_CDR, P_LIST, P_NULLP, P_PAIRP, P_EQP,
       P_VECTOR, P_VREF, P_VSET, P_VLEN, P_COUNT };
static const char* const primitive_names[P_COUNT] = {
    "+", "-", "*", "<", "=", "cons", "car", "cdr", "list", "null?", "pair?", "eq?",
    "vector", "vector-ref", "vector-set!", "vector-length"};

static mosaic_value lookup(mosaic_value sym, mosaic_value env) {
  for (int pass = 0; pass < 2; ++pass) {
    for (mosaic_value e = pass == 0 ? env : global_env; e != MOSAIC_NIL; e = mosaic_cdr(e)) {
      if (mosaic_car(mosaic_car(e)) == sym) return mosaic_cdr(mosaic_car(e));
    }
  }
  fprintf(stderr, "mosaic-lisp: unbound variable %s\n", symbol_name(sym));
  exit(1);
}

static int64_t num(mosaic_value v) {
  if (!mosaic_is_fixnum(v)) die("expected an integer");
  return mosaic_fixnum_value(v);
}

static mosaic_value arith_result(int64_t n) {
  if (!mosaic_fixnum_fits(n)) die("integer overflow");
  return mosaic_fixnum(n);
}

static mosaic_value apply_primitive(uint64_t p, mosaic_value args) {
  mosaic_value a = args != MOSAIC_NIL ? mosaic_car(args) : MOSAIC_UNDEFINED;
  mosaic_value rest = args != MOSAIC_NIL ? mosaic_cdr(args) : MOSAIC_NIL;
  mosaic_value b = rest != MOSAIC_NIL ? mosaic_car(rest) : MOSAIC_UNDEFINED;
  switch (p) {
    case P_ADD: case P_MUL: {
      int64_t acc = p == P_ADD ? 0 : 1;
      for (; args != MOSAIC_NIL; args = mosaic_cdr(args)) {
        int64_t x = num(mosaic_car(args));
        if (p == P_ADD ? __builtin_add_overflow(acc, x, &acc) : __builtin_mul_overflow(acc, x, &acc)) {
          die("integer overflow");
        }
      }
      return arith_result(acc);
    }
    case P_SUB: return rest == MOSAIC_NIL ? arith_result(-num(a)) : arith_result(num(a) - num(b));
    case P_LT: return mosaic_bool(num(a) < num(b));
    case P_EQ: return mosaic_bool(num(a) == num(b));
    case P_CONS: return cons(a, b);
    case P_CAR: if (!mosaic_is_pair(a)) die("car: not a pair"); return mosaic_car(a);
    case P_CDR: if (!mosaic_is_pair(a)) die("cdr: not a pair"); return mosaic_cdr(a);
    case P_LIST: return args;
    case P_NULLP: return mosaic_bool(a == MOSAIC_NIL);
    case P_PAIRP: return mosaic_bool(mosaic_is_pair(a));
    case P_EQP: return mosaic_bool(a == b);
    case P_VECTOR: {
      size_t n = 0;
      for (mosaic_value l = args; l != MOSAIC_NIL; l = mosaic_cdr(l)) ++n;
      mosaic_value v;
      check(mosaic_alloc(vector_kind, 8 * (n + 1), n, &v), "vector");
      for (size_t i = 0; i < n; ++i, args = mosaic_cdr(args)) {
        mosaic_object_fields(v)[i] = mosaic_car(args);
      }
      return v;
    }
    case P_VREF:
      if (!is_kind(a, vector_kind) || (uint64_t)num(b) >= mosaic_object_aux(a)) {
        die("vector-ref: bad vector or index");
      }
      return mosaic_object_fields(a)[num(b)];
    case P_VSET: {
      mosaic_value rest2 = mosaic_cdr(rest);
      if (!is_kind(a, vector_kind) || (uint64_t)num(b) >= mosaic_object_aux(a) ||
          rest2 == MOSAIC_NIL) {
        die("vector-set!: bad vector, index or value");
      }
      /* The vector may be old: the store goes through the write barrier (inline form). */
      mosaic_store_field_with(cards, &mosaic_object_fields(a)[num(b)], mosaic_car(rest2));
      return MOSAIC_UNSPECIFIED;
    }
    case P_VLEN:
      if (!is_kind(a, vector_kind)) die("vector-length: not a vector");
      return mosaic_fixnum((int64_t)mosaic_object_aux(a));
  }
  die("unknown primitive");
  return MOSAIC_UNDEFINED;
}

static mosaic_value eval(mosaic_value x, mosaic_value env);

static mosaic_value eval_body(mosaic_value body, mosaic_value env) {
  mosaic_value result = MOSAIC_UNSPECIFIED;
  for (; body != MOSAIC_NIL; body = mosaic_cdr(body)) result = eval(mosaic_car(body), env);
  return result;
}

static mosaic_value eval_args(mosaic_value args, mosaic_value env) {
  if (args == MOSAIC_NIL) return MOSAIC_NIL;
  mosaic_value first = eval(mosaic_car(args), env);
  mosaic_value rest = eval_args(mosaic_cdr(args), env);
  return cons(first, rest);
}

static mosaic_value eval(mosaic_value x, mosaic_value env) {
  if (is_kind(x, symbol_kind)) return lookup(x, env);
  if (!mosaic_is_pair(x)) return x;
  mosaic_value op = mosaic_car(x);
  if (is_kind(op, symbol_kind)) {
    const char* name = symbol_name(op);
    if (strcmp(name, "quote") == 0) return mosaic_car(mosaic_cdr(x));
    if (strcmp(name, "if") == 0) {
      mosaic_value rest = mosaic_cdr(x);
      if (eval(mosaic_car(rest), env) != MOSAIC_FALSE) return eval(mosaic_car(mosaic_cdr(rest)), env);
      mosaic_value alt = mosaic_cdr(mosaic_cdr(rest));
      return alt == MOSAIC_NIL ? MOSAIC_UNSPECIFIED : eval(mosaic_car(alt), env);
    }
    if (strcmp(name, "define") == 0) {
      mosaic_value sym = mosaic_car(mosaic_cdr(x));
      mosaic_value value = eval(mosaic_car(mosaic_cdr(mosaic_cdr(x))), env);
      global_env = cons(cons(sym, value), global_env);
      return MOSAIC_UNSPECIFIED;
    }
    if (strcmp(name, "set!") == 0) {
      mosaic_value sym = mosaic_car(mosaic_cdr(x));
      mosaic_value value = eval(mosaic_car(mosaic_cdr(mosaic_cdr(x))), env);
      for (int pass = 0; pass < 2; ++pass) {
        for (mosaic_value e = pass == 0 ? env : global_env; e != MOSAIC_NIL; e = mosaic_cdr(e)) {
          /* The binding pair may be old: mosaic_set_cdr stores through the write barrier. */
          if (mosaic_car(mosaic_car(e)) == sym) {
            mosaic_set_cdr(mosaic_car(e), value);
            return MOSAIC_UNSPECIFIED;
          }
        }
      }
      die("set!: unbound variable");
    }
    if (strcmp(name, "lambda") == 0) {
      return make_closure(mosaic_car(mosaic_cdr(x)), mosaic_cdr(mosaic_cdr(x)), env);
    }
    if (strcmp(name, "begin") == 0) return eval_body(mosaic_cdr(x), env);
  }
  mosaic_value f = eval(op, env);
  mosaic_value args = eval_args(mosaic_cdr(x), env);
  if (mosaic_is_embedder_word(f)) return apply_primitive(mosaic_embedder_payload(f), args);
  if (!is_kind(f, closure_kind)) die("application of a non-procedure");
  mosaic_value params = mosaic_object_fields(f)[0];
  mosaic_value frame = mosaic_object_fields(f)[2];
  for (; params != MOSAIC_NIL; params = mosaic_cdr(params), args = mosaic_cdr(args)) {
    if (args == MOSAIC_NIL) die("too few arguments");
    frame = cons(cons(mosaic_car(params), mosaic_car(args)), frame);
  }
  if (args != MOSAIC_NIL) die("too many arguments");
  return eval_body(mosaic_object_fields(f)[1], frame);
}

/* ---- Driver ------------------------------------------------------------------------------- */

static const char demo_program[] =
    "(define fib (lambda (n) (if (< n 2) n (+ (fib (- n 1)) (fib (- n 2))))))\n"
    "(fib 20)\n"
    "(define range (lambda (a b) (if (< a b) (cons a (range (+ a 1) b)) '())))\n"
    "(define sum (lambda (l) (if (null? l) 0 (+ (car l) (sum (cdr l))))))\n"
    "(sum (range 0 1000))\n"
    "(define map (lambda (f l) (if (null? l) '() (cons (f (car l)) (map f (cdr l))))))\n"
    "(map (lambda (x) (* x x)) (range 1 6))\n"
    "(vector 'a (list 1 2) #t)\n"
    "(define v (vector 0 0 0))\n"
    "(define acc '())\n"
    "(define fill (lambda (i) (if (< i 2000) (begin (set! acc (cons i acc))\n"
    "                                               (vector-set! v 0 (range 0 10))\n"
    "                                               (fill (+ i 1))))))\n"
    "(fill 0)\n"
    "(sum (vector-ref v 0))\n"
    "(car acc)\n";

static char* read_file(const char* path) {
  /* File I/O may block and does not touch the heap: a collection need not wait for us. */
  check(mosaic_enter_native(), "enter native");
  FILE* f = fopen(path, "rb");
  char* text = NULL;
  if (f != NULL) {
    size_t size = 0, cap = 4096;
    text = malloc(cap);
    size_t n;
    while (text != NULL && (n = fread(text + size, 1, cap - size - 1, f)) > 0) {
      size += n;
      if (cap - size - 1 == 0) text = realloc(text, cap *= 2);
    }
    if (text != NULL) text[size] = '\0';
    fclose(f);
  }
  check(mosaic_leave_native(), "leave native");
  if (text == NULL) die("cannot read the program file");
  return text;
}

static void on_collection(const mosaic_gc_event* event, void* user_data) {
  (void)event;
  ++*(int*)user_data;
}

static void on_scratch_finalized(mosaic_value object, void* user_data) {
  (void)object;
  ++*(int*)user_data;
}

static void run(const char* program) {
  in = program;
  for (;;) {
    skip_space();
    if (*in == '\0') break;
    /* Each form is held in a handle, a precise root, while it is evaluated. */
    mosaic_handle_scope scope;
    mosaic_handle form;
    check(mosaic_handle_scope_open(&scope), "handle scope");
    check(mosaic_handle_new(read_form(), &form), "handle");
    mosaic_value result = eval(*form, MOSAIC_NIL);
    if (result != MOSAIC_UNSPECIFIED) {
      print(result);
      printf("\n");
    }
    check(mosaic_handle_scope_close(&scope), "handle scope");
    check(mosaic_safepoint(), "safepoint");
  }
}

int main(int argc, char** argv) {
  const char* options = getenv("MOSAIC_LISP_OPTIONS");
  /* Generations, and a small nursery so that even the demo collects a few times (minor
   * collections that rely on the write barrier). */
  check(mosaic_heap_create(options != NULL ? options
                                           : "gc-min=256K,heap-max=256M,generational=on,"
                                             "nursery=128K",
                           &heap),
        "creating the heap");
  check(mosaic_thread_register(heap), "registering the main thread");
  cards = mosaic_card_table();
  check(mosaic_register_kind(heap, "symbol", MOSAIC_TRACE_NONE, NULL, NULL, &symbol_kind),
        "kind");
  check(mosaic_register_kind(heap, "vector", MOSAIC_TRACE_VALUES, NULL, NULL, &vector_kind),
        "kind");
  check(mosaic_register_kind(heap, "closure", MOSAIC_TRACE_CUSTOM, trace_closure, NULL,
                             &closure_kind),
        "kind");
  check(mosaic_global_root_add(heap, &global_env), "global root");
  check(mosaic_root_cell_new(heap, MOSAIC_NIL, &symbol_table), "root cell");
  int listener;
  check(mosaic_add_event_listener(heap, on_collection, &collections_seen, &listener), "listener");

  for (int p = 0; p < P_COUNT; ++p) {
    mosaic_value sym = intern(primitive_names[p], strlen(primitive_names[p]));
    global_env = cons(cons(sym, mosaic_embedder_word((uint64_t)p)), global_env);
  }
  /* A scratch object nobody keeps: its finalizer runs once a collection finds it dead (the
   * conservative scan may keep it a little longer, so this count is only reported). */
  mosaic_value scratch;
  check(mosaic_alloc(vector_kind, 8 * 4, 3, &scratch), "scratch");
  check(mosaic_register_finalizer(heap, scratch, on_scratch_finalized, &finalized_scratch),
        "finalizer");
  scratch = MOSAIC_FALSE;

  char* text = argc > 1 ? read_file(argv[1]) : NULL;
  run(text != NULL ? text : demo_program);
  free(text);

  check(mosaic_collect(heap), "collect");
  mosaic_gc_stats stats;
  check(mosaic_heap_stats(heap, &stats), "stats");
  fprintf(stderr, "mosaic-lisp: collections=%llu listener=%d live_bytes=%llu finalized=%d\n",
          (unsigned long long)stats.collections, collections_seen,
          (unsigned long long)stats.live_bytes, finalized_scratch);

  check(mosaic_remove_event_listener(heap, listener), "listener");
  check(mosaic_root_cell_free(heap, symbol_table), "root cell");
  check(mosaic_global_root_remove(heap, &global_env), "global root");
  check(mosaic_thread_unregister(heap), "unregistering");
  check(mosaic_heap_destroy(heap), "destroying the heap");
  return 0;
}
