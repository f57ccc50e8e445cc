; stress: stress=50,verify=1
; Generators made with call/cc, re-entered thousands of times across collections: each value a
; generator yields leaves the tree walk by an escape (or a re-entry of the consumer), and the
; next call re-enters the walk's saved frames. Every walk frame holds a fresh list across its
; calls and checks it afterwards, so a frame restored from a copy whose values were collected
; would be caught.
(define (make-tree lo hi)
  (if (> lo hi)
      '()
      (let ((mid (quotient (+ lo hi) 2)))
        (list mid (make-tree lo (- mid 1)) (make-tree (+ mid 1) hi)))))

(define (walk tree yield)
  (if (pair? tree)
      (let ((mark (list 'mark (car tree) (make-vector 3 (car tree)))))
        (walk (cadr tree) yield)
        (yield (car tree))
        (walk (caddr tree) yield)
        (if (not (equal? mark (list 'mark (car tree) (make-vector 3 (car tree)))))
            (error "walk: a frame's value was corrupted" mark)))))

; (make-generator tree) returns a procedure that returns the tree's keys in order, then 'done.
(define (make-generator tree)
  (define return #f)
  (define resume #f)
  (lambda ()
    (call/cc
     (lambda (r)
       (set! return r)
       (if resume
           (resume 'go)
           (begin
             (walk tree (lambda (v) (call/cc (lambda (k) (set! resume k) (return v)))))
             (set! resume (lambda (ignored) (return 'done)))
             (return 'done)))))))

(define (consume gen)
  (let loop ((sum 0) (count 0) (garbage '()))
    (let ((v (gen)))
      (if (eq? v 'done)
          (list count sum)
          (loop (+ sum v) (+ count 1)
                (if (> (length garbage) 20) '() (cons (make-vector 10 v) garbage)))))))

(define (run)
  (let ((tree (make-tree 1 1000)))
    (display (consume (make-generator tree)))
    (newline)
    (collect)
    (display (consume (make-generator tree)))
    (newline)
    ; two generators interleaved: same-fringe
    (let ((g1 (make-generator tree))
          (g2 (make-generator (make-tree 1 1000))))
      (let loop ((n 0))
        (let ((a (g1)) (b (g2)))
          (cond ((and (eq? a 'done) (eq? b 'done)) (display (list 'same-fringe n)) (newline))
                ((equal? a b) (loop (+ n 1)))
                (else (display (list 'differ a b)) (newline))))))))
(run)

; call/cc inside for-each and map call-backs: a generator over a list built on for-each.
(define (list-generator lst)
  (define return #f)
  (define resume #f)
  (lambda ()
    (call/cc
     (lambda (r)
       (set! return r)
       (if resume
           (resume #f)
           (begin
             (for-each (lambda (x) (call/cc (lambda (k) (set! resume k) (return (* x x))))) lst)
             (set! resume (lambda (ignored) (return 'end)))
             (return 'end)))))))
(define (drain gen)
  (let loop ((acc '()))
    (let ((v (gen)))
      (if (eq? v 'end) (reverse acc) (loop (cons v acc))))))
(display (drain (list-generator '(1 2 3 4 5 6 7 8 9 10))))
(newline)
