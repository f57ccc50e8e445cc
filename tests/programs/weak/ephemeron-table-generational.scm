; expected: by-hand (Guile's weak tables have other names)
; flags: --gc-options=generational=on
; stress: stress=100,verify=1
; With generations (generational=on): the same program and output as ephemeron-table.scm.
; An ephemeron eq table: values that refer to their own keys do not keep them, so of 10,000
; such entries whose keys are dropped at least 99% are cleared, and every kept key stays.
(define t (make-ephemeron-eq-hashtable))
(define kept
  (let loop ((i 0) (acc '()))
    (if (= i 100) acc (loop (+ i 1) (cons (list 'kept i) acc)))))
(for-each (lambda (k) (hashtable-set! t k (cons k (cadr k)))) kept)
(define (fill n)
  (do ((i 0 (+ i 1))) ((= i n)) (let ((k (list 'dropped i))) (hashtable-set! t k (cons k i)))))
(fill 10000)
(collect)
(define size (hashtable-size t))
(write (and (>= size 100) (<= size 200))) (newline)
(write (let loop ((l kept) (ok #t))
         (if (null? l)
             ok
             (let ((v (hashtable-ref t (car l) #f)))
               (loop (cdr l) (and ok (pair? v) (eq? (car v) (car l))
                                  (= (cdr v) (cadr (car l)))))))))
(newline)
(write (= (vector-length (hashtable-keys t)) size)) (newline)
; Keys may also be kept through another table's value: still ephemeral there.
(define holder (make-eq-hashtable))
(hashtable-set! holder 'k (car kept))
(set! kept #f)
(collect)
(write (<= (hashtable-size t) 10)) (newline)
(write (pair? (hashtable-ref t (hashtable-ref holder 'k #f) #f))) (newline)
