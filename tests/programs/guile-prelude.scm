;; Loaded before every golden program when its expected output is generated with Guile 3
;; (regen-expected.sh). It gives Guile the R7RS-small bindings toylang has (Guile's default
;; environment lacks e.g. vector-map) and stand-ins for toylang's two extensions:
;; (collect) runs a collection, (gc-stats) returns an association list of collector figures;
;; and R6RS hash tables under the names toylang gives them.
(import (scheme base) (scheme char) (scheme cxr) (scheme inexact) (scheme write)
        (scheme process-context))
(define (collect) (gc))
(define (gc-stats) (list (cons 'collections 0) (cons 'live-bytes 0)))
;; Hash tables: Guile's R6RS library has toylang's (Chez's) names, except that toylang has no
;; multiple values, so its hashtable-entries returns the list (keys values).
(import (rename (rnrs hashtables (6)) (hashtable-entries r6rs:hashtable-entries)))
(define (hashtable-entries table)
  (call-with-values (lambda () (r6rs:hashtable-entries table)) list))
