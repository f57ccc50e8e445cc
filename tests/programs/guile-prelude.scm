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
;; Threads (toylang's names are SRFI-18's, which Guile provides), with toylang's
;; condition-variable-wait! (Chez's condition-wait: release, wait, take the mutex again) and
;; atomic boxes from (ice-9 atomic), whose compare-and-swap returns the old value.
(use-modules ((srfi srfi-18)
              #:select (make-thread thread? thread-start! thread-join! current-thread
                        thread-yield! thread-sleep! make-mutex mutex? mutex-lock! mutex-unlock!
                        make-condition-variable condition-variable?
                        condition-variable-signal! condition-variable-broadcast!))
             (ice-9 atomic))
(define (condition-variable-wait! cv mutex)
  (mutex-unlock! mutex cv)
  (mutex-lock! mutex)
  #t)
(define (atomic-box-compare-and-set! box expected new)
  (eq? (atomic-box-compare-and-swap! box expected new) expected))
;; receive (SRFI 8), which toylang has as a core form.
(use-modules (srfi srfi-8))
;; R7RS's (scheme lazy): delay-force (Guile's default environment lacks it).
(import (scheme lazy))
