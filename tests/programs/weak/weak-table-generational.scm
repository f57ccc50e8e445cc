; expected: by-hand (Guile's weak tables have other names)
; flags: --gc-options=generational=on
; stress: stress=100,verify=1
; With generations (generational=on): the same program and output as weak-table.scm.
; A weak eq table forgets the keys nothing else holds: of 10,000 dropped keys at least 99% are
; gone after (collect) (a conservatively scanned stack may keep a few), while every kept key
; stays with its value.
(define t (make-weak-eq-hashtable))
(write (hashtable? t)) (newline)
(define kept
  (let loop ((i 0) (acc '()))
    (if (= i 100) acc (loop (+ i 1) (cons (list 'kept i) acc)))))
(for-each (lambda (k) (hashtable-set! t k (cadr k))) kept)
(define (fill n)
  (do ((i 0 (+ i 1))) ((= i n)) (hashtable-set! t (list 'dropped i) i)))
(fill 10000)
(collect)
(define (all-kept? table)
  (let loop ((l kept) (ok #t))
    (if (null? l)
        ok
        (loop (cdr l) (and ok (hashtable-contains? table (car l))
                           (eqv? (hashtable-ref table (car l) #f) (cadr (car l))))))))
(define size (hashtable-size t))
(write (and (>= size 100) (<= size 200))) (newline)
(write (all-kept? t)) (newline)
(write (= (vector-length (hashtable-keys t)) size)) (newline)
(write (= (vector-length (cadr (hashtable-entries t))) size)) (newline)
; The table still works after its entries were cleared.
(hashtable-update! t (car kept) (lambda (v) (+ v 1000)) 0)
(hashtable-delete! t (cadr kept))
(write (list (hashtable-ref t (car kept) #f) (hashtable-contains? t (cadr kept)))) (newline)
; A weak table holds its values strongly: a value that refers to its key keeps the key.
(define t2 (make-weak-eq-hashtable))
(define (fill-self n)
  (do ((i 0 (+ i 1))) ((= i n)) (let ((k (list i))) (hashtable-set! t2 k (list k)))))
(fill-self 1000)
(collect)
(write (hashtable-size t2)) (newline)
