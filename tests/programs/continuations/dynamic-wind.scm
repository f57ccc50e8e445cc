; dynamic-wind ordering: normal exit, escape out, re-entry in, nested extents, and a re-entry
; whose transitions share a common ancestor (which is not re-run).
(define trace '())
(define (note x) (set! trace (cons x trace)))
(define (show label) (display label) (display ": ") (display (reverse trace)) (newline) (set! trace '()))

(define (normal)
  (dynamic-wind (lambda () (note 'before)) (lambda () (note 'during) 'result) (lambda () (note 'after))))
(note (normal))
(show "normal")

(define (escape)
  (call/cc
   (lambda (k)
     (dynamic-wind
      (lambda () (note 'in-1))
      (lambda ()
        (dynamic-wind (lambda () (note 'in-2)) (lambda () (k 'escaped) (note 'not-here)) (lambda () (note 'out-2))))
      (lambda () (note 'out-1))))))
(note (escape))
(show "escape")

(define (reenter)
  (let ((k #f) (n 0))
    (dynamic-wind
     (lambda () (note 'a-in))
     (lambda ()
       (dynamic-wind
        (lambda () (note 'b-in))
        (lambda () (call/cc (lambda (c) (set! k c))) (note 'body))
        (lambda () (note 'b-out))))
     (lambda () (note 'a-out)))
    (set! n (+ n 1))
    (if (< n 3) (k 'again))
    n))
(note (reenter))
(show "reenter")

; from one extent into a sibling: only the differing parts are left and entered
(define (siblings)
  (let ((k #f) (done #f))
    (dynamic-wind
     (lambda () (note 'common-in))
     (lambda ()
       (dynamic-wind
        (lambda () (note 'x-in))
        (lambda () (call/cc (lambda (c) (set! k c))) (note 'x-body))
        (lambda () (note 'x-out)))
       (if (not done)
           (dynamic-wind
            (lambda () (note 'y-in))
            (lambda () (set! done #t) (k 'jump))
            (lambda () (note 'y-out)))))
     (lambda () (note 'common-out)))
    'siblings-done))
(note (siblings))
(show "siblings")

; escaping from an after thunk's own extent, and a before thunk escaping
(define (before-escapes)
  (call/cc
   (lambda (k)
     (dynamic-wind (lambda () (note 'before) (k 'left-in-before)) (lambda () (note 'never)) (lambda () (note 'never-after))))))
(note (before-escapes))
(show "before-escapes")

; a generator driven through dynamic-wind: every resume re-enters the extent
(define (wind-generator)
  (define return #f)
  (define resume #f)
  (lambda ()
    (call/cc
     (lambda (r)
       (set! return r)
       (if resume
           (resume #f)
           (dynamic-wind
            (lambda () (note 'enter))
            (lambda () (for-each (lambda (x) (call/cc (lambda (k) (set! resume k) (return x)))) '(1 2)) (return 'done))
            (lambda () (note 'leave))))))))
(define (run-wind-generator)
  (let ((g (wind-generator)))
    (let* ((a (g)) (b (g)) (c (g)))
      (note (list a b c)))))
(run-wind-generator)
(show "generator")
