import './ink-comments-frame.ts';
