import type { Request, Response } from 'express';
import { translatorOf } from '../../lib/i18n.js';
import type { GuideService } from './guide.service.js';

export function createGuideController(guides: GuideService) {
  return {
    index(_req: Request, res: Response) {
      res.render('guide/index', { guides: guides.list() });
    },
    async show(req: Request, res: Response) {
      const guide = await guides.get(String(req.params.slug ?? ''), translatorOf(req).lang);
      res.render('guide/show', { guide, guides: guides.list() });
    },
  };
}
