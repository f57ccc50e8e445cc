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
;; R7RS's string-map and string-for-each take several strings (Guile's default ones, SRFI 13's,
;; take one and optional bounds); Guile 3.0.8's (scheme base) string-for-each is SRFI 13's too.
(define string-map (@ (scheme base) string-map))
(define (string-for-each proc . strings)
  (let ((n (apply min (map string-length strings))))
    (do ((i 0 (+ i 1))) ((= i n))
      (apply proc (map (lambda (s) (string-ref s i)) strings)))))
;; Bytevectors: toylang writes them as R7RS spells them, #u8(1 2 3); Guile writes #vu8(1 2 3).
;; write and display print through a string with the prefix respelled (a string datum that
;; contains "#vu8(" would be respelled too: golden programs avoid one).
(define (respell-bytevectors text)
  (let loop ((start 0) (pieces '()))
    (let ((at (string-contains text "#vu8(" start)))
      (if at
          (loop (+ at 5) (cons "#u8(" (cons (substring text start at) pieces)))
          (apply string-append (reverse (cons (substring text start) pieces)))))))
(define (respelling-printer guile-print)
  (lambda (x . port)
    (let ((text (call-with-output-string (lambda (out) (guile-print x out)))))
      (guile-display (respell-bytevectors text)
                     (if (null? port) (current-output-port) (car port))))))
(define guile-display display)
(define write (respelling-printer write))
(define display (respelling-printer display))
;; R7RS's (scheme lazy): delay-force (Guile's default environment lacks it).
(import (scheme lazy))
