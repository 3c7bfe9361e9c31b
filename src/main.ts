import './app/ink-app/ink-app.ts';
