;; Loaded before every golden program when its expected output is generated with Guile 3
;; (regen-expected.sh). It gives Guile the R7RS-small bindings toylang has (Guile's default
;; environment lacks e.g. vector-map) and stand-ins for toylang's two extensions:
;; (collect) runs a collection, (gc-stats) returns an association list of collector figures.
(import (scheme base) (scheme char) (scheme cxr) (scheme inexact) (scheme write)
        (scheme process-context))
(define (collect) (gc))
(define (gc-stats) (list (cons 'collections 0) (cons 'live-bytes 0)))
