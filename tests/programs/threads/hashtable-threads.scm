; stress: stress=500,verify=1
; expected: by-hand
; Hash tables shared by four threads without a mutex of the program's: each thread inserts keys
; of its own, updates counters that all of them update (hashtable-update! is atomic), deletes
; half of its keys and reads the others' while they write; a fifth thread reads the table's
; size and keys meanwhile. Small initial sizes, so the tables grow while shared. The counts are
; exact: a lost update or a lost insert changes them. (Expected output by hand, below the code;
; checked under Guile with every table operation behind one mutex.)
(define n 1500)
(define t (make-eqv-hashtable 8))
; A generic table whose hash and equivalence are the program's own procedures, called by the
; built-ins while other threads use the table.
(define g (make-hashtable (lambda (s) (string-hash s)) (lambda (a b) (string=? a b)) 8))

(define (own-key id i) (+ (* id 100000) i))
(define (worker id)
  (lambda ()
    (do ((i 0 (+ i 1))) ((= i n))
      (hashtable-set! t (own-key id i) (* i i))
      (hashtable-update! t 'count (lambda (c) (+ c 1)) 0)
      (hashtable-update! t (modulo i 3) (lambda (c) (+ c id)) 0)
      ; The procedure reads its own table: the lock is the thread's already, no deadlock.
      (hashtable-update! t 'nested (lambda (c) (+ c (if (hashtable-contains? t 'count) 1 0))) 0)
      (hashtable-set! g (number->string (own-key id i)) id)
      (hashtable-update! g (if (even? i) "even" "odd") (lambda (c) (+ c 1)) 0)
      ; Another thread's keys: absent, or present with their value.
      (let* ((other (+ 1 (modulo id 4)))
             (v (hashtable-ref t (own-key other i) #f)))
        (if (and v (not (= v (* i i))))
            (begin (display "wrong value for ") (display (own-key other i)) (newline)))))
    (do ((i 0 (+ i 2))) ((>= i n))
      (hashtable-delete! t (own-key id i))
      (hashtable-delete! g (number->string (own-key id i))))
    id))

(define (watcher)
  (lambda ()
    (do ((i 0 (+ i 1))) ((= i 200) 'watched)
      (if (< (hashtable-size t) 0) (display "negative size"))
      (vector-length (hashtable-keys g)))))

(define watching (thread-start! (make-thread (watcher))))
(define workers (map (lambda (id) (thread-start! (make-thread (worker id)))) '(1 2 3 4)))
(display (map thread-join! workers)) (newline)
(display (thread-join! watching)) (newline)

(display (list (hashtable-ref t 'count #f) (hashtable-ref t 'nested #f))) (newline)
(display (list (hashtable-ref t 0 #f) (hashtable-ref t 1 #f) (hashtable-ref t 2 #f))) (newline)
(display (hashtable-size t)) (newline)
(define (all-right? id)
  (let loop ((i 0))
    (cond ((= i n) #t)
          ((even? i) (and (not (hashtable-contains? t (own-key id i))) (loop (+ i 1))))
          (else (and (eqv? (hashtable-ref t (own-key id i) #f) (* i i)) (loop (+ i 1)))))))
(display (map all-right? '(1 2 3 4))) (newline)

(display (list (hashtable-ref g "even" #f) (hashtable-ref g "odd" #f))) (newline)
(display (hashtable-size g)) (newline)
(define (all-right-g? id)
  (let loop ((i 1))
    (cond ((>= i n) #t)
          ((and (eqv? (hashtable-ref g (number->string (own-key id i)) #f) id)
                (not (hashtable-contains? g (number->string (own-key id (- i 1))))))
           (loop (+ i 2)))
          (else #f))))
(display (map all-right-g? '(1 2 3 4))) (newline)
